//! Every word of the customers' status page, Hungarian and English, in one
//! table beside the customer email texts, so the page and the emails say
//! the same things the same way; and the page's number and time formats
//! (Budapest time, `2026. 12. 01. 14:05`, a decimal comma).

use hub_proto::alerts::Family;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The page's language (`?lang=en`; Hungarian otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Hu,
    En,
}

/// The page's words in one language.
pub struct Words {
    pub lang: &'static str,
    pub title: &'static str,
    pub ok: &'static str,
    pub late: &'static str,
    pub down: &'static str,
    pub maintenance: &'static str,
    pub waiting: &'static str,
    pub last_report: &'static str,
    pub backup: &'static str,
    pub dbdump: &'static str,
    pub disk: &'static str,
    pub never: &'static str,
    pub overdue: &'static str,
    pub on_time: &'static str,
    pub windows: &'static str,
    pub no_windows: &'static str,
    pub active_until: &'static str,
    pub starts: &'static str,
    pub open: &'static str,
    pub no_open: &'static str,
    pub resolved: &'static str,
    pub no_resolved: &'static str,
    pub since: &'static str,
    pub lasted: &'static str,
    pub availability: &'static str,
    pub no_data: &'static str,
    pub footer: &'static str,
    pub expired_title: &'static str,
    pub expired_text: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub too_many_title: &'static str,
    pub too_many_text: &'static str,
    pub other_lang: &'static str,
    /// The customer emails' line to the page.
    pub email_link: &'static str,
    pub email_link_until: &'static str,
}

pub const HU: Words = Words {
    lang: "hu",
    title: "Az otthoni szervere",
    ok: "Működik",
    late: "Késik",
    down: "Nem elérhető",
    maintenance: "Karbantartás",
    waiting: "Még nem jelentkezett",
    last_report: "Utolsó jelentés",
    backup: "Utolsó sikeres mentés",
    dbdump: "Utolsó sikeres adatbázis-mentés",
    disk: "Tárhely foglaltsága",
    never: "még nem volt",
    overdue: "késik",
    on_time: "rendben",
    windows: "Tervezett karbantartás",
    no_windows: "Nincs tervezett karbantartás.",
    active_until: "folyamatban, vége",
    starts: "kezdete",
    open: "Jelenlegi problémák",
    no_open: "Nincs ismert probléma.",
    resolved: "Az elmúlt 30 nap megoldott problémái",
    no_resolved: "Az elmúlt 30 napban nem volt probléma.",
    since: "óta",
    lasted: "időtartam",
    availability: "Elérhetőség az elmúlt 90 napban",
    no_data: "nincs adat",
    footer: "A felhom felügyeleti rendszere percenként frissíti ezt az oldalt. Kérdés esetén válaszoljon bármelyik levelünkre.",
    expired_title: "A link lejárt",
    expired_text: "Ez a link már nem érvényes. A legutóbbi levelünkben talál egy frisset.",
    not_found_title: "Az oldal nem található",
    not_found_text: "Ezen a címen nincs elérhető oldal.",
    too_many_title: "Túl sok próbálkozás",
    too_many_text: "Kérjük, próbálja újra néhány perc múlva.",
    other_lang: "English",
    email_link: "Szerverük állapotát bármikor megnézheti itt",
    email_link_until: "A link érvényes eddig",
};

pub const EN: Words = Words {
    lang: "en",
    title: "Your home server",
    ok: "Working",
    late: "Late",
    down: "Unreachable",
    maintenance: "Maintenance",
    waiting: "Not reported yet",
    last_report: "Last report",
    backup: "Last successful backup",
    dbdump: "Last successful database backup",
    disk: "Storage used",
    never: "none yet",
    overdue: "overdue",
    on_time: "on time",
    windows: "Planned maintenance",
    no_windows: "No maintenance planned.",
    active_until: "in progress, until",
    starts: "starts",
    open: "Current problems",
    no_open: "No known problem.",
    resolved: "Problems resolved in the last 30 days",
    no_resolved: "No problem in the last 30 days.",
    since: "since",
    lasted: "lasted",
    availability: "Availability in the last 90 days",
    no_data: "no data",
    footer: "felhom's monitoring updates this page every minute. Questions? Reply to any of our emails.",
    expired_title: "This link has expired",
    expired_text: "This link is no longer valid. Our latest email has a fresh one.",
    not_found_title: "Page not found",
    not_found_text: "There is no page at this address.",
    too_many_title: "Too many attempts",
    too_many_text: "Please try again in a few minutes.",
    other_lang: "Magyar",
    email_link: "Your server's status, at any time",
    email_link_until: "The link is valid until",
};

impl Lang {
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Hu => &HU,
            Lang::En => &EN,
        }
    }

    /// A problem's family in the customer's words (the emails' words).
    pub fn family(self, f: Family) -> &'static str {
        match (self, f) {
            (Lang::Hu, Family::Node) => "A szerver nem elérhető",
            (Lang::Hu, Family::Backup) => "A mentés nem sikerült",
            (Lang::Hu, Family::Dbdump) => "Az adatbázis mentése nem sikerült",
            (Lang::Hu, Family::Disk) => "Kevés a szabad tárhely",
            (Lang::Hu, _) => "Probléma",
            (Lang::En, Family::Node) => "The server was unreachable",
            (Lang::En, Family::Backup) => "A backup failed",
            (Lang::En, Family::Dbdump) => "A database backup failed",
            (Lang::En, Family::Disk) => "Storage running low",
            (Lang::En, _) => "Problem",
        }
    }

    /// A moment: `2026. 12. 01. 14:05` (Budapest), `2026-12-01 14:05` in English.
    pub fn when(self, t: Timestamp, tz: &TimeZone) -> String {
        let z = t.to_zoned(tz.clone());
        match self {
            Lang::Hu => z.strftime("%Y. %m. %d. %H:%M").to_string(),
            Lang::En => z.strftime("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A day: `2026. 12. 01.` / `2026-12-01`.
    pub fn date(self, d: jiff::civil::Date) -> String {
        match self {
            Lang::Hu => d.strftime("%Y. %m. %d.").to_string(),
            Lang::En => d.strftime("%Y-%m-%d").to_string(),
        }
    }

    /// How long ago: `5 perce`, `3 órája`, `2 napja` / `5 min ago`, ….
    pub fn ago(self, t: Timestamp, now: Timestamp) -> String {
        let secs = now.duration_since(t).as_secs().max(0);
        let (n, unit) = if secs < 3600 {
            ((secs / 60).max(1), 0)
        } else if secs < 86_400 {
            (secs / 3600, 1)
        } else {
            (secs / 86_400, 2)
        };
        match (self, unit) {
            (Lang::Hu, 0) => format!("{n} perce"),
            (Lang::Hu, 1) => format!("{n} órája"),
            (Lang::Hu, _) => format!("{n} napja"),
            (Lang::En, 0) => format!("{n} min ago"),
            (Lang::En, 1) => format!("{n} h ago"),
            (Lang::En, _) => format!("{n} days ago"),
        }
    }

    /// A duration: `2 óra 15 perc` / `2 h 15 min`.
    pub fn duration(self, from: Timestamp, to: Timestamp) -> String {
        let mins = to.duration_since(from).as_secs().max(0) / 60;
        let (d, h, m) = (mins / 1440, (mins / 60) % 24, mins % 60);
        let parts: Vec<String> = match self {
            Lang::Hu => [(d, "nap"), (h, "óra"), (m, "perc")]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, u)| format!("{n} {u}"))
                .collect(),
            Lang::En => [(d, "d"), (h, "h"), (m, "min")]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, u)| format!("{n} {u}"))
                .collect(),
        };
        if parts.is_empty() {
            match self {
                Lang::Hu => "kevesebb mint egy perc".into(),
                Lang::En => "under a minute".into(),
            }
        } else {
            parts.join(" ")
        }
    }

    /// A percentage: `72,5 %` / `72.5 %`.
    pub fn percent(self, v: f64) -> String {
        let s = format!("{v:.1} %");
        match self {
            Lang::Hu => s.replace('.', ","),
            Lang::En => s,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hungarian_formats() {
        let tz = TimeZone::get("Europe/Budapest").unwrap();
        let t: Timestamp = "2026-12-01T13:05:00Z".parse().unwrap();
        assert_eq!(Lang::Hu.when(t, &tz), "2026. 12. 01. 14:05");
        assert_eq!(
            Lang::Hu.date(jiff::civil::date(2026, 12, 1)),
            "2026. 12. 01."
        );
        assert_eq!(Lang::Hu.percent(72.46), "72,5 %");
        assert_eq!(Lang::En.percent(72.46), "72.5 %");
        let later = t + jiff::SignedDuration::from_mins(135);
        assert_eq!(Lang::Hu.duration(t, later), "2 óra 15 perc");
        assert_eq!(Lang::Hu.ago(t, later), "2 órája");
    }
}
