//! The incidents screen (`i`) and the maintenance popup (`m`), driven by
//! messages like the rest of the TUI's tests.

use crossterm::event::KeyCode;
use hub_proto::CustomerStatus;
use hub_proto::admin::StreamMessage;

use super::super::app::{App, Effect, Msg, Popup, Screen};
use super::{app, code, entry, fleet, incidents, key, type_text};

#[test]
fn the_incidents_screen_loads_live_and_toggles_resolved_ones() {
    let mut app = app();
    assert_eq!(
        app.update(key('i')),
        vec![Effect::LoadIncidents {
            customer: None,
            all: false
        }]
    );
    assert_eq!(app.screen, Screen::Incidents);
    app.update(Msg::Incidents(Ok(incidents())));
    // News on the stream: reloaded on the next tick, once.
    app.update(Msg::Stream(StreamMessage::Row {
        row: entry("szabo", CustomerStatus::Ok, 1),
    }));
    app.update(Msg::Stream(StreamMessage::Row {
        row: entry("nagy-2", CustomerStatus::Ok, 1),
    }));
    assert_eq!(
        app.update(Msg::Tick(1)),
        vec![Effect::LoadIncidents {
            customer: None,
            all: false
        }]
    );
    assert!(app.update(Msg::Tick(2)).is_empty());
    assert_eq!(
        app.update(key('o')),
        vec![Effect::LoadIncidents {
            customer: None,
            all: true
        }]
    );
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Fleet);
    // From a customer's page: its own, and Esc goes back there.
    app.update(code(KeyCode::Enter));
    assert_eq!(
        app.update(key('i')),
        vec![Effect::LoadIncidents {
            customer: Some("szabo".into()),
            all: false
        }]
    );
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Detail);
    // Away from the screen, news loads nothing.
    app.update(Msg::Stream(StreamMessage::Row {
        row: entry("szabo", CustomerStatus::Ok, 1),
    }));
    assert!(!app.update(Msg::Tick(3)).contains(&Effect::LoadIncidents {
        customer: Some("szabo".into()),
        all: false
    }));
}

#[test]
fn m_adds_a_maintenance_window_after_asking_how_long_and_why() {
    let mut app = app();
    app.update(code(KeyCode::Enter));
    app.update(key('m'));
    assert!(matches!(app.popup, Some(Popup::Maintenance(_))));
    // No reason: refused, the popup stays.
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(app.status.as_ref().unwrap().0.contains("reason"));
    type_text(&mut app, "disk swap");
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Backspace));
    app.update(code(KeyCode::Backspace));
    type_text(&mut app, "soon");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(app.status.as_ref().unwrap().0.contains("30m, 2h"));
    for _ in 0..4 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "90m");
    assert_eq!(
        app.update(code(KeyCode::Enter)),
        vec![Effect::AddMaintenance {
            customer: "szabo".into(),
            duration_s: 5400,
            reason: "disk swap".into()
        }]
    );
    assert_eq!(app.popup, None);
    // Esc cancels; a read-only token cannot.
    app.update(key('m'));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.popup, None);
    let mut ro = App::new("https://hub.felhom.eu", true, fleet());
    assert!(ro.update(key('m')).is_empty());
    assert_eq!(ro.popup, None);
    assert!(ro.status.as_ref().unwrap().0.contains("read-only"));
}
