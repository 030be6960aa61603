//! The texts of what incidents add to the per-event emails: the
//! resolution with its duration, the opening held by maintenance or a
//! mass outage and sent after it, reminders, and the fleet and flapping
//! notices. The operator's in English, the customer's in Hungarian.

use hub_proto::alerts::{Family, Incident};
use hub_proto::human_duration;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::texts::{PageLink, Rendered, esc, page_link_parts};

/// What the texts need beyond the incident.
pub struct Ctx<'a> {
    pub dashboard_url: &'a str,
    pub tz: &'a TimeZone,
}

impl Ctx<'_> {
    fn hhmm(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }

    fn fleet_link(&self) -> String {
        format!("{}/", self.dashboard_url.trim_end_matches('/'))
    }

    fn link(&self, customer_id: &str) -> String {
        format!(
            "{}/customers/{customer_id}",
            self.dashboard_url.trim_end_matches('/')
        )
    }
}

fn since(opened: Timestamp, now: Timestamp) -> String {
    human_duration(now.duration_since(opened).unsigned_abs())
}

/// "node down", "backup failing", … as a subject says it.
fn what(family: Family) -> &'static str {
    match family {
        Family::Node => "node down",
        Family::Backup => "backup failing",
        Family::Dbdump => "database dump failing",
        Family::Disk => "disk space low",
        Family::Flapping => "node flapping",
        Family::Fleet => "mass outage",
    }
}

fn plain(subject: String, text: String, link: Option<String>) -> Rendered {
    let mut html = String::new();
    for para in text.split("\n\n") {
        html.push_str(&format!("<p>{}</p>", esc(para).replace('\n', "<br>")));
    }
    let mut text = text;
    if let Some(l) = link {
        text.push_str(&format!("\n\nOpen: {l}\n"));
        html.push_str(&format!("<p><a href=\"{}\">Open</a></p>", esc(&l)));
    }
    Rendered {
        subject,
        text,
        html,
    }
}

/// "while it was down: backup_failed ×2, container_unhealthy ×1".
fn held_meanwhile(inc: &Incident) -> String {
    if inc.inhibited.is_empty() {
        return String::new();
    }
    let list: Vec<String> = inc
        .inhibited
        .iter()
        .map(|(t, n)| format!("{t} ×{n}"))
        .collect();
    format!("\nHeld while it was open: {}.", list.join(", "))
}

/// The operator's "it is over" for an incident whose opening they got.
pub fn operator_resolved(c: &Ctx<'_>, inc: &Incident, at: Timestamp) -> Rendered {
    let id = inc.customer_id.as_deref().unwrap_or("fleet");
    let done = match inc.family {
        Family::Node => "node recovered",
        Family::Backup => "backup works again",
        Family::Dbdump => "database dump works again",
        Family::Disk => "disk space back to normal",
        Family::Flapping => "node stable again",
        Family::Fleet => "mass outage over",
    };
    let took = since(inc.opened_at, at);
    let subject = format!("[felhom OK] {id}: {done} after {took}");
    let text = format!(
        "Customer: {id}\n{done} at {} ({}), after {took} (open since {}).{}",
        c.hhmm(at),
        at,
        inc.opened_at,
        held_meanwhile(inc)
    );
    plain(subject, text, inc.customer_id.as_deref().map(|i| c.link(i)))
}

/// The operator's opening of an incident that was held until its window
/// (or the mass outage) ended and is still open.
pub fn operator_after_hold(
    c: &Ctx<'_>,
    inc: &Incident,
    cause: &str,
    ended: Timestamp,
    now: Timestamp,
) -> Rendered {
    let id = inc.customer_id.as_deref().unwrap_or("fleet");
    let still = match inc.family {
        Family::Node => "still down",
        Family::Backup => "backup still failing",
        Family::Dbdump => "database dump still failing",
        Family::Disk => "disk space still low",
        Family::Flapping => "still flapping",
        Family::Fleet => "still silent",
    };
    let subject = format!("[felhom ERROR] {id}: {still} after {cause}");
    let text = format!(
        "Customer: {id}\n{}{} after {cause} ended at {}: open since {} ({} ago).\n\n{}",
        still[..1].to_uppercase(),
        &still[1..],
        c.hhmm(ended),
        inc.opened_at,
        since(inc.opened_at, now),
        inc.message
    );
    plain(subject, text, inc.customer_id.as_deref().map(|i| c.link(i)))
}

/// One operator email for every reminder due at once, oldest first.
pub fn reminders(c: &Ctx<'_>, due: &[&Incident], now: Timestamp) -> Rendered {
    let line = |i: &Incident| {
        format!(
            "{} {} for {} (reminder {} of the incident opened {})",
            i.customer_id.as_deref().unwrap_or("fleet"),
            what(i.family),
            since(i.opened_at, now),
            i.reminders_sent + 1,
            i.opened_at
        )
    };
    let subject = match due {
        [one] => format!("Reminder: {}", line_short(one, now)),
        many => format!(
            "Reminder: {} incidents still open (longest: {})",
            many.len(),
            many.first().map(|i| line_short(i, now)).unwrap_or_default()
        ),
    };
    let mut text = String::from("Still open:\n");
    for i in due {
        text.push_str(&format!("- {}\n", line(i)));
        if let Some(id) = &i.customer_id {
            text.push_str(&format!("  {}\n", c.link(id)));
        }
    }
    plain(subject, text, None)
}

fn line_short(i: &Incident, now: Timestamp) -> String {
    format!(
        "{} {} for {}",
        i.customer_id.as_deref().unwrap_or("fleet"),
        what(i.family),
        since(i.opened_at, now)
    )
}

/// The one email of a mass outage.
pub fn mass_outage(
    c: &Ctx<'_>,
    silent: u64,
    total: u64,
    since: Timestamp,
    grace: &str,
) -> Rendered {
    let subject = format!(
        "[felhom ERROR] Mass outage: {silent} of {total} nodes silent since {}",
        c.hhmm(since)
    );
    let text = format!(
        "{silent} of {total} reporting nodes went silent within a few minutes, starting {since}.\n\
         The hub or its ingress may be cut off: check the ingress, DNS and the cluster's network \
         before the nodes.\n\nCustomers are not told anything, and the per-node emails are held \
         until it is over; a node still down {grace} after the end gets its normal emails."
    );
    plain(subject, text, Some(c.fleet_link()))
}

/// The end of a mass outage.
pub fn mass_outage_over(c: &Ctx<'_>, inc: &Incident, silent_now: u64, at: Timestamp) -> Rendered {
    let peak = inc.detail["silent"].as_u64().unwrap_or(0);
    let subject = format!(
        "[felhom OK] Mass outage over: {} of {peak} nodes report again",
        peak.saturating_sub(silent_now)
    );
    let rest = match silent_now {
        0 => "every node reports again.".to_owned(),
        1 => "1 node is still silent and follows the normal flow.".to_owned(),
        n => format!("{n} nodes are still silent and follow the normal flow."),
    };
    let text = format!(
        "The mass outage that began {} is over at {} ({} long); {rest}",
        inc.opened_at,
        c.hhmm(at),
        since(inc.opened_at, at)
    );
    plain(subject, text, Some(c.fleet_link()))
}

/// A node that goes down and up too often.
pub fn flapping(c: &Ctx<'_>, inc: &Incident, cycles: i64, window: &str) -> Rendered {
    let id = inc.customer_id.as_deref().unwrap_or("");
    let subject =
        format!("[felhom WARNING] {id}: node is flapping ({cycles} down/up cycles in {window})");
    let text = format!(
        "Customer: {id}\nThe node went down and came back {cycles} times within {window}. Further \
         per-transition emails are held until it has been stable for a while; then one email says so."
    );
    plain(subject, text, Some(c.link(id)))
}

/// A flapping node has settled.
pub fn stable(c: &Ctx<'_>, inc: &Incident, cycles: i64, down_now: bool, at: Timestamp) -> Rendered {
    let id = inc.customer_id.as_deref().unwrap_or("");
    let state = if down_now { "down" } else { "up" };
    let subject = format!("[felhom OK] {id}: node stable again after {cycles} down/up cycles");
    let text = format!(
        "Customer: {id}\nNo transition since {}; the node is {state} now (flapping since {}).",
        c.hhmm(at),
        inc.opened_at
    );
    plain(subject, text, Some(c.link(id)))
}

/// "2 óra 5 perc".
fn hungarian_duration(from: Timestamp, to: Timestamp) -> String {
    let mins = to.duration_since(from).as_secs().max(0) / 60;
    let (d, h, m) = (mins / 1440, (mins / 60) % 24, mins % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} nap"));
    }
    if h > 0 {
        parts.push(format!("{h} óra"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m} perc"));
    }
    parts.join(" ")
}

/// The customer's "it is over", paired with an opening they got.
pub fn customer_resolved(
    inc: &Incident,
    at: Timestamp,
    link: Option<&PageLink>,
) -> Option<Rendered> {
    let id = inc.customer_id.as_deref()?;
    let (title, para) = match inc.family {
        Family::Node | Family::Flapping => (
            "Otthoni szerverük ismét elérhető",
            "Jó hírünk van: otthoni szerverük újra rendben jelentkezik a felhom felügyeleti \
             rendszerében. Önnek nincs további teendője.",
        ),
        Family::Backup => (
            "A biztonsági mentés ismét sikeres",
            "Szerverükön a biztonsági mentés ismét rendben elkészült. Önnek nincs további teendője.",
        ),
        Family::Dbdump => (
            "Az adatbázisok mentése ismét sikeres",
            "Szerverükön az alkalmazások adatbázisainak mentése ismét rendben elkészült.",
        ),
        Family::Disk => (
            "Ismét van elég szabad hely",
            "Szerverük tárolóin ismét elegendő a szabad hely. Köszönjük, hogy foglalkozott vele.",
        ),
        Family::Fleet => return None,
    };
    let took = hungarian_duration(inc.opened_at, at);
    let (link_text, link_html) = page_link_parts(link);
    let subject = format!("{title} – felhom ({id})");
    let text = format!(
        "Kedves Ügyfelünk!\n\n{para}\n\nA probléma időtartama: {took}\nÜgyfélazonosító: {id}\n\n\
         {link_text}Üdvözlettel:\na felhom csapata\n"
    );
    let html = format!(
        "<p>Kedves Ügyfelünk!</p><p>{}</p><p>A probléma időtartama: {}<br>Ügyfélazonosító: {}</p>\
         {link_html}<p>Üdvözlettel:<br>a felhom csapata</p>",
        esc(para),
        esc(&took),
        esc(id)
    );
    Some(Rendered {
        subject,
        text,
        html,
    })
}

/// The incident emails `hub-server preview-email` shows, by the name the
/// notification log gives them.
pub const PREVIEWS: &[&str] = &[
    "node_resolved",
    "backup_resolved",
    "dbdump_resolved",
    "disk_resolved",
    "after_maintenance",
    "after_mass_outage",
    "reminder",
    "mass_outage",
    "fleet_resolved",
    "node_flapping",
    "node_stable",
];

/// An example of the incident email `name` (one of [`PREVIEWS`]) on the
/// customer's channel (with `link`) or the operator's (`None`); `None`
/// when there is no such email on that channel.
pub fn preview(c: &Ctx<'_>, name: &str, customer: Option<&PageLink>) -> Option<Rendered> {
    let t = |s: &str| s.parse::<Timestamp>().ok();
    let opened = t("2026-11-27T01:10:00Z")?;
    let now = t("2026-11-27T03:25:00Z")?;
    let family = match name.split('_').next()? {
        "backup" => Family::Backup,
        "dbdump" => Family::Dbdump,
        "disk" => Family::Disk,
        "mass" | "fleet" => Family::Fleet,
        _ => Family::Node,
    };
    let inc = Incident {
        id: 7,
        customer_id: (family != Family::Fleet).then(|| "kovacs-csalad".to_owned()),
        family,
        opened_at: opened,
        opened_by: "node_down".into(),
        message: "No report for 1h 0m (last received 2026-11-27T00:10:00Z)".into(),
        notified_operator_at: Some(opened),
        notified_customer_at: Some(opened),
        held: None,
        reminders_sent: 1,
        next_reminder_at: None,
        resolving_since: None,
        resolved_at: None,
        inhibited: [("backup_failed".to_owned(), 1)].into(),
        detail: serde_json::json!({"silent": 8, "total": 8}),
    };
    if let Some(link) = customer {
        return match name {
            "node_resolved" | "backup_resolved" | "dbdump_resolved" | "disk_resolved" => {
                customer_resolved(&inc, now, Some(link))
            }
            _ => None,
        };
    }
    Some(match name {
        "node_resolved" | "backup_resolved" | "dbdump_resolved" | "disk_resolved" => {
            operator_resolved(c, &inc, now)
        }
        "after_maintenance" => operator_after_hold(
            c,
            &inc,
            "maintenance 'kernel update'",
            t("2026-11-27T02:00:00Z")?,
            now,
        ),
        "after_mass_outage" => {
            operator_after_hold(c, &inc, "the mass outage", t("2026-11-27T02:00:00Z")?, now)
        }
        "reminder" => reminders(c, &[&inc], now),
        "mass_outage" => mass_outage(c, 8, 8, opened, "20m"),
        "fleet_resolved" => mass_outage_over(c, &inc, 1, now),
        "node_flapping" => flapping(c, &inc, 4, "6h"),
        "node_stable" => stable(c, &inc, 5, false, now),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_preview_renders_for_the_operator() {
        let c = Ctx {
            dashboard_url: "https://hub.example.test",
            tz: &TimeZone::get("Europe/Budapest").unwrap(),
        };
        for name in PREVIEWS {
            let r = preview(&c, name, None).unwrap();
            assert!(!r.subject.is_empty() && !r.text.is_empty(), "{name}");
        }
        assert!(
            preview(&c, "reminder", None)
                .unwrap()
                .subject
                .starts_with("Reminder: ")
        );
        assert!(
            preview(&c, "mass_outage", None)
                .unwrap()
                .subject
                .contains("Mass outage")
        );
        let over = preview(&c, "fleet_resolved", None).unwrap().subject;
        assert!(
            over.contains("Mass outage") && over.contains("over"),
            "{over}"
        );
        assert!(
            preview(&c, "node_flapping", None)
                .unwrap()
                .subject
                .contains("flapping")
        );
        assert!(
            preview(&c, "node_stable", None)
                .unwrap()
                .subject
                .contains("stable")
        );
        let after = preview(&c, "after_maintenance", None).unwrap();
        assert!(
            after.subject.contains("after maintenance"),
            "{}",
            after.subject
        );
        assert!(after.text.contains("ended at 03:00"), "{}", after.text);
        let link = PageLink::example("https://status.example.test/");
        let hu = preview(&c, "node_resolved", Some(&link)).unwrap();
        assert!(hu.subject.contains("ismét elérhető") && hu.text.contains("2 óra 15 perc"));
        assert!(
            hu.text.contains("https://status.example.test/s/"),
            "{}",
            hu.text
        );
        assert!(
            preview(&c, "mass_outage", Some(&link)).is_none(),
            "never to customers"
        );
    }

    #[test]
    fn hungarian_durations() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            hungarian_duration(t("2026-12-01T10:00:00Z"), t("2026-12-01T12:05:00Z")),
            "2 óra 5 perc"
        );
        assert_eq!(
            hungarian_duration(t("2026-12-01T10:00:00Z"), t("2026-12-03T10:00:30Z")),
            "2 nap"
        );
        assert_eq!(
            hungarian_duration(t("2026-12-01T10:00:00Z"), t("2026-12-01T10:00:20Z")),
            "0 perc"
        );
    }
}
