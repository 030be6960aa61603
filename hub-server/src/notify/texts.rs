//! Email texts: the operator's in English, the customer's in Hungarian,
//! written per event type. Every email has a plain-text and an HTML part,
//! the customer's id and the event's message; the operator's links to the
//! customer's dashboard page, the customer's never to the dashboard, only
//! to the customer's own status page (a fresh signed link).

use hub_proto::{EventType, Severity};

/// Subject and both bodies of one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A customer's signed link to its status page, as an email shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    pub url: String,
    /// When it stops working, in the customer's words (`2027. 01. 06. 14:05`).
    pub until: String,
}

impl PageLink {
    /// What `hub-server preview-email` shows in place of a signed link.
    pub fn example(public_url: &str) -> PageLink {
        PageLink {
            url: crate::status_link::url(public_url, "AQAAAABpa2FTAAAAAGtvdmFjcy1jc2FsYWQ.example"),
            until: "2026. 12. 27. 03:10".into(),
        }
    }
}

/// The paragraph of a customer email that carries its page link (plain
/// text, HTML); empty without one (the pages are off).
pub(crate) fn page_link_parts(link: Option<&PageLink>) -> (String, String) {
    let Some(l) = link else {
        return (String::new(), String::new());
    };
    let w = &super::page_texts::HU;
    (
        format!(
            "{}:\n{}\n({}: {})\n\n",
            w.email_link, l.url, w.email_link_until, l.until
        ),
        format!(
            "<p>{}: <a href=\"{}\">{}</a><br><small>{}: {}</small></p>",
            esc(w.email_link),
            esc(&l.url),
            esc(&l.url),
            esc(w.email_link_until),
            esc(&l.until)
        ),
    )
}

/// What a text is about.
pub struct Facts<'a> {
    pub customer_id: &'a str,
    pub event_type: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub details: Option<&'a str>,
    /// RFC 3339.
    pub occurred_at: &'a str,
    pub dashboard_url: &'a str,
}

impl Facts<'_> {
    /// The page the email points to: the customer's, or the hub's own
    /// page for the hub's alerts.
    fn link(&self) -> String {
        let base = self.dashboard_url.trim_end_matches('/');
        if self.customer_id == hub_proto::HUB_ALERT_ID {
            format!("{base}/hub")
        } else {
            format!("{base}/customers/{}", self.customer_id)
        }
    }
}

fn operator_title(event_type: &str) -> &'static str {
    match EventType::parse(event_type) {
        Some(t) => match t {
            EventType::NodeStale => "node is stale (no recent report)",
            EventType::NodeDown => "node is DOWN (no report)",
            EventType::NodeRecovered => "node recovered",
            EventType::ExpectedBackupMissed => "expected backup missed",
            EventType::ExpectedDbdumpMissed => "expected database dump missed",
            EventType::ControllerStarted => "controller started",
            EventType::ControllerUpdateAvailable => "controller update available",
            EventType::ControllerUpdated => "controller updated",
            EventType::ControllerUpdateFailed => "controller update failed",
            EventType::ConfigApplied => "config applied",
            EventType::BackupCompleted => "backup completed",
            EventType::BackupFailed => "backup failed",
            EventType::DbdumpCompleted => "database dump completed",
            EventType::DbdumpFailed => "database dump failed",
            EventType::RestoreCompleted => "restore completed",
            EventType::RestoreFailed => "restore failed",
            EventType::DiskSpaceLow => "disk space low",
            EventType::DiskSpaceCritical => "disk space critical",
            EventType::DiskSmartWarning => "disk SMART warning",
            EventType::DiskMissing => "disk missing",
            EventType::ContainerUnhealthy => "container unhealthy",
            EventType::ContainerRestarting => "container restarting",
            EventType::AppInstalled => "app installed",
            EventType::AppRemoved => "app removed",
            EventType::AppUpdated => "app updated",
            EventType::AppUpdateFailed => "app update failed",
            EventType::CertExpiring => "certificate expiring",
            EventType::ConfigDrift => "live config drifted from the hub's",
            EventType::ConfigDriftResolved => "live config back in sync",
        },
        None => "message from the controller",
    }
}

/// The operator's email about an event (or a legacy relay, whose
/// `subject` replaces the title).
pub fn operator(f: &Facts<'_>, legacy_subject: Option<&str>) -> Rendered {
    let title = legacy_subject.unwrap_or_else(|| operator_title(f.event_type));
    let sev = f.severity.as_str().to_uppercase();
    let subject = format!("[felhom {sev}] {}: {title}", f.customer_id);
    let link = f.link();
    let details = f.details.filter(|d| !d.is_empty() && *d != "{}");
    let mut text = format!(
        "Customer: {}\nEvent: {} ({})\nWhen: {}\n\n{}\n",
        f.customer_id,
        f.event_type,
        f.severity.as_str(),
        f.occurred_at,
        f.message
    );
    if let Some(d) = details {
        text.push_str(&format!("\nDetails: {d}\n"));
    }
    text.push_str(&format!("\nOpen the customer: {link}\n"));
    let mut html = format!(
        "<p><strong>{}</strong> — {} <em>({})</em></p><p>{}</p><p>{}</p>",
        esc(f.customer_id),
        esc(title),
        esc(f.severity.as_str()),
        esc(f.message),
        esc(f.occurred_at)
    );
    if let Some(d) = details {
        html.push_str(&format!("<pre>{}</pre>", esc(d)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">Open {}</a></p>",
        esc(&link),
        esc(f.customer_id)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

/// Subject and the paragraph that explains the event to the customer.
fn customer_words(t: EventType) -> Option<(&'static str, &'static str)> {
    Some(match t {
        EventType::NodeDown => (
            "Otthoni szerverük nem jelentkezik",
            "Otthoni szerverük egy ideje nem jelentkezett a felhom felügyeleti rendszerében. \
             Ennek oka lehet áramszünet, internetkimaradás vagy a gép leállása. Kérjük, \
             ellenőrizze, hogy a szerver be van-e kapcsolva, és csatlakozik-e a hálózathoz. \
             Ha minden rendben látszik, kollégáink hamarosan felveszik Önnel a kapcsolatot.",
        ),
        EventType::NodeRecovered => (
            "Otthoni szerverük ismét elérhető",
            "Jó hírünk van: otthoni szerverük újra rendben jelentkezik a felhom felügyeleti \
             rendszerében. Önnek nincs további teendője.",
        ),
        EventType::ExpectedBackupMissed => (
            "Elmaradt a mai biztonsági mentés",
            "Szerverük ma éjjel nem jelezte, hogy elkészült volna a napi biztonsági mentés. \
             Kollégáink utánanéznek. Ha a gép ki volt kapcsolva, kérjük, kapcsolja be, hogy a \
             mentés pótolható legyen.",
        ),
        EventType::ExpectedDbdumpMissed => (
            "Elmaradt az adatbázisok mai mentése",
            "Szerverük ma éjjel nem jelezte, hogy elkészült volna az alkalmazások adatbázisainak \
             napi mentése. Kollégáink utánanéznek; Önnek egyelőre nincs teendője.",
        ),
        EventType::BackupFailed => (
            "Nem sikerült a biztonsági mentés",
            "Szerverükön a legutóbbi biztonsági mentés hibával ért véget. Adatai továbbra is a \
             helyükön vannak, de amíg a mentés nem sikerül, a legfrissebb változások nincsenek \
             biztonságban. Kollégáink vizsgálják a hibát.",
        ),
        EventType::DbdumpFailed => (
            "Nem sikerült az adatbázisok mentése",
            "Szerverükön az alkalmazások adatbázisainak mentése hibával ért véget. Kollégáink \
             vizsgálják a hibát, és szükség esetén jelentkeznek.",
        ),
        EventType::RestoreCompleted => (
            "Sikeres visszaállítás",
            "Az adatok visszaállítása a biztonsági mentésből sikeresen befejeződött. Kérjük, \
             nézze át, hogy minden a helyén van-e, és jelezze, ha bármi hiányzik.",
        ),
        EventType::RestoreFailed => (
            "Nem sikerült a visszaállítás",
            "Az adatok visszaállítása a biztonsági mentésből nem sikerült. A mentés maga \
             sértetlen; kollégáink megvizsgálják a hibát, és felveszik Önnel a kapcsolatot.",
        ),
        EventType::DiskSpaceLow => (
            "Fogy a szabad hely a szerveren",
            "Szerverük egyik tárolóján kezd elfogyni a szabad hely. Érdemes átnézni és törölni a \
             már nem szükséges fájlokat, vagy jelezni nekünk, ha nagyobb tárolóra van szükség.",
        ),
        EventType::DiskSpaceCritical => (
            "Szinte elfogyott a szabad hely",
            "Szerverük egyik tárolóján szinte teljesen elfogyott a szabad hely, ezért egyes \
             alkalmazások vagy a biztonsági mentés hamarosan leállhatnak. Kérjük, mielőbb \
             szabadítson fel helyet, vagy keressen minket.",
        ),
        EventType::DiskSmartWarning => (
            "Az egyik lemez meghibásodásra utaló jeleket mutat",
            "Szerverük egyik lemeze az önellenőrzés alapján meghibásodásra utaló jeleket mutat. \
             Adatai a biztonsági mentésnek köszönhetően védve vannak, de javasoljuk a lemez \
             mielőbbi cseréjét. Kollégáink jelentkeznek a részletekkel.",
        ),
        EventType::DiskMissing => (
            "Az egyik lemez nem érhető el",
            "Szerverük nem találja az egyik lemezét. Kérjük, ellenőrizze, hogy a külső lemezek \
             csatlakoztatva és bekapcsolva vannak-e. Ha a lemez a helyén van, kollégáink \
             megvizsgálják a hibát.",
        ),
        EventType::AppInstalled => (
            "Új alkalmazás a szerverén",
            "Szerverükre új alkalmazás került telepítésre, és már használatba is vehető.",
        ),
        EventType::AppRemoved => (
            "Alkalmazás eltávolítva",
            "Szerverükről eltávolítottunk egy alkalmazást. Ha ez nem az Ön kérésére történt, \
             kérjük, jelezze nekünk.",
        ),
        _ => return None,
    })
}

/// The customer's email, or `None` for types customers are never told of.
pub fn customer(f: &Facts<'_>, link: Option<&PageLink>) -> Option<Rendered> {
    let (title, paragraph) = customer_words(EventType::parse(f.event_type)?)?;
    // Never the dashboard: its pages are the operator's.
    let (link_text, link_html) = page_link_parts(link);
    let subject = format!("{title} – felhom ({})", f.customer_id);
    let text = format!(
        "Kedves Ügyfelünk!\n\n{paragraph}\n\nA rendszer üzenete: {}\nIdőpont: {}\n\
         Ügyfélazonosító: {}\n\n{link_text}Ha kérdése van, egyszerűen válaszoljon erre a levélre.\n\n\
         Üdvözlettel:\na felhom csapata\n\n\
         Ezt a levelet azért kapta, mert feliratkozott az ilyen értesítésekre.\n",
        f.message, f.occurred_at, f.customer_id
    );
    let html = format!(
        "<p>Kedves Ügyfelünk!</p><p>{}</p><p>A rendszer üzenete: <em>{}</em><br>Időpont: {}<br>\
         Ügyfélazonosító: {}</p>{link_html}<p>Ha kérdése van, egyszerűen válaszoljon erre a levélre.</p>\
         <p>Üdvözlettel:<br>a felhom csapata</p>\
         <p style=\"color:#666;font-size:small\">Ezt a levelet azért kapta, mert feliratkozott \
         az ilyen értesítésekre.</p>",
        esc(paragraph),
        esc(f.message),
        esc(f.occurred_at),
        esc(f.customer_id)
    );
    Some(Rendered {
        subject,
        text,
        html,
    })
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(t: &str) -> Facts<'_> {
        Facts {
            customer_id: "kovacs-csalad",
            event_type: t,
            severity: Severity::Error,
            message: "restic <exited> 1",
            details: Some(r#"{"repo":"/mnt"}"#),
            occurred_at: "2026-11-27T02:10:00Z",
            dashboard_url: "https://hub.felhom.eu/",
        }
    }

    #[test]
    fn every_customer_facing_type_has_its_own_hungarian_text() {
        let mut subjects = std::collections::HashSet::new();
        let link = PageLink {
            url: "https://status.felhom.eu/s/abc.def".into(),
            until: "2027. 01. 06. 14:05".into(),
        };
        for t in EventType::ALL {
            assert_eq!(
                customer(&facts(t.as_str()), None).is_some(),
                t.customer_facing()
            );
            let r = customer(&facts(t.as_str()), Some(&link));
            assert_eq!(r.is_some(), t.customer_facing(), "{t:?}");
            if let Some(r) = r {
                assert!(
                    subjects.insert(r.subject.clone()),
                    "duplicate subject {}",
                    r.subject
                );
                assert!(r.text.contains("kovacs-csalad") && r.text.contains("restic <exited> 1"));
                assert!(r.html.contains("restic &lt;exited&gt; 1"));
                // The dashboard is the operator's: never linked for
                // customers; their own page is.
                assert!(
                    r.text
                        .contains("megnézheti itt:\nhttps://status.felhom.eu/s/abc.def\n")
                );
                assert!(
                    r.text
                        .contains("(A link érvényes eddig: 2027. 01. 06. 14:05)")
                );
                assert!(
                    r.html
                        .contains("<a href=\"https://status.felhom.eu/s/abc.def\">")
                );
                for part in [&r.text, &r.html] {
                    assert!(!part.contains("hub.felhom.eu"), "{part}");
                    assert!(!part.contains("/customers/"), "{part}");
                }
            }
        }
    }

    #[test]
    fn operator_text_has_the_facts() {
        let r = operator(&facts("backup_failed"), None);
        assert_eq!(r.subject, "[felhom ERROR] kovacs-csalad: backup failed");
        assert!(r.text.contains("restic <exited> 1") && r.text.contains("/mnt"));
        assert!(r.html.contains("&lt;exited&gt;"));
        assert!(
            r.html
                .contains("https://hub.felhom.eu/customers/kovacs-csalad")
        );
        let legacy = operator(&facts("legacy_notify"), Some("Disk full"));
        assert!(legacy.subject.ends_with("Disk full"));
    }

    #[test]
    fn the_hubs_own_alerts_link_to_the_hub_page() {
        let hub = Facts {
            customer_id: hub_proto::HUB_ALERT_ID,
            ..facts("legacy_notify")
        };
        let r = operator(&hub, Some("the hub's scheduled backup failed"));
        for part in [&r.text, &r.html] {
            assert!(part.contains("https://hub.felhom.eu/hub"), "{part}");
            assert!(!part.contains("/customers/"), "{part}");
        }
    }
}
