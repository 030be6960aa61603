//! The fleet's columns and footer at the contract sizes, actions that
//! cannot work, the event details and the diff's last line.

use crossterm::event::KeyCode;
use hub_proto::CustomerStatus;

use super::super::app::{App, Msg, Popup, STATUS_SECS, Screen};
use super::{app, code, diff, entry, events, fleet, key, screen};

#[test]
fn ids_are_never_cut_and_the_footer_keeps_help_and_quit() {
    let mut fleet = fleet();
    fleet.customers = (1..=10)
        .map(|i| entry(&format!("failnode-{i:04}"), CustomerStatus::Down, 700))
        .collect();
    let mut app = App::new("https://hub.felhom.eu", false, fleet);
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&mut app, w, h);
        for i in 1..=10 {
            assert!(
                text.contains(&format!("failnode-{i:04}")),
                "{w}×{h}:\n{text}"
            );
        }
        let foot = text.lines().nth(usize::from(h) - 1).unwrap_or_default();
        for k in ["?:help", "q:quit", "Enter:open", "/:filter"] {
            assert!(foot.contains(k), "{w}×{h} footer lacks {k}: {foot}");
        }
        // The priority columns stay at every width.
        let head = text.lines().nth(2).unwrap_or_default();
        for c in ["STATUS", "CUSTOMER", "REASON", "LAST"] {
            assert!(head.contains(c), "{w}×{h} header lacks {c}: {head}");
        }
    }
    app.update(code(KeyCode::Enter));
    let text = screen(&mut app, 80, 24);
    let foot = text.lines().nth(23).unwrap_or_default();
    for k in ["?:help", "Esc:back"] {
        assert!(foot.contains(k), "detail footer lacks {k}: {foot}");
    }
}

#[test]
fn impossible_actions_say_why_before_any_confirmation_and_the_word_expires() {
    let mut app = app();
    for (id, keys, why) in [
        ("pending-new", "pPdu", "controller.yaml"),
        ("manual-one", "pPduD", "manual"),
    ] {
        app.selected = app.index.iter().position(|x| x == id).unwrap();
        for c in keys.chars() {
            assert!(app.update(key(c)).is_empty(), "{id} {c}");
            assert_eq!(app.popup, None, "{id} {c}");
            assert_eq!(app.screen, Screen::Fleet, "{id} {c}");
            let said = &app.status.as_ref().unwrap().0;
            assert!(said.contains(why) && said.contains(id), "{id} {c}: {said}");
        }
    }
    // The footer greys them for this customer (no colour: the test theme
    // has none, so the rule itself is checked).
    let s = app.target_summary().unwrap();
    assert!(App::key_action('p', Some(s)).unwrap().refusal(s).is_some());
    app.update(Msg::Tick(app.now + STATUS_SECS - 1));
    assert!(app.status.is_some());
    app.update(Msg::Tick(app.now + 1));
    assert_eq!(app.status, None, "the message expires");
}

#[test]
fn enter_on_an_event_shows_all_of_it_and_enter_again_opens_its_customer() {
    let mut app = app();
    app.update(key('e'));
    let mut list = events();
    list[1].message = format!(
        "restic: {}",
        "repository locked by another process ".repeat(6)
    );
    list[1].details = Some(serde_json::json!({"exit_code": 1}));
    app.update(Msg::Events(Ok(list)));
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    let Some(Popup::Event(e)) = &app.popup else {
        panic!("no event popup: {:?}", app.popup);
    };
    let id = e.customer_id.clone();
    let text = screen(&mut app, 80, 24);
    // Wrapped, not cut: the message's last words are on screen.
    assert!(text.contains("exit_code"), "{text}");
    let joined: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("another process"), "{text}");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.popup, None);
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.target().as_deref(), Some(id.as_str()));
}

#[test]
fn the_diff_speaks_hub_only_and_controller_only_and_g_stops_at_its_last_line() {
    let mut app = app();
    app.update(Msg::Resize(80, 24));
    app.update(key('d'));
    let mut d = diff();
    d.unified = (0..60).fold(d.unified, |u, i| format!("{u} line {i}\n"));
    app.update(Msg::Diff("szabo".into(), Ok(d)));
    let text = screen(&mut app, 80, 24);
    for w in [
        "hub only",
        "controller only",
        "differs",
        "--- hub",
        "+++ controller",
    ] {
        assert!(text.contains(w), "{w}:\n{text}");
    }
    for w in ["removed", "added", "changed"] {
        assert!(!text.contains(w), "{w}:\n{text}");
    }
    app.update(key('G'));
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains(" line 59"),
        "the last line is on screen:\n{text}"
    );
    let body: Vec<&str> = text.lines().skip(2).take(20).collect();
    assert!(
        body.iter().all(|l| !l.is_empty()),
        "no blank screen after G:\n{text}"
    );
}
