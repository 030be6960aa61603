//! The operator's actions on one customer, as every front end offers them:
//! the dashboard's buttons and confirmation pages, the TUI's keys and
//! popups, hubctl's commands and prompts. One table, so a label, a key, a
//! question or the rule of when an action applies is written once.

use crate::customer::CustomerSummary;

/// An action on one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorAction {
    Block,
    Unblock,
    Push,
    Pull,
    Diff,
    Update,
    Adopt,
    Delete,
    RotatePassword,
}

impl OperatorAction {
    /// Every action, in the order front ends list them.
    pub const ALL: [OperatorAction; 9] = [
        OperatorAction::Block,
        OperatorAction::Unblock,
        OperatorAction::Push,
        OperatorAction::Pull,
        OperatorAction::Diff,
        OperatorAction::Update,
        OperatorAction::Adopt,
        OperatorAction::Delete,
        OperatorAction::RotatePassword,
    ];

    /// Its name in URLs and commands (`/customers/{id}/confirm/push`).
    pub fn name(self) -> &'static str {
        match self {
            OperatorAction::Block => "block",
            OperatorAction::Unblock => "unblock",
            OperatorAction::Push => "push",
            OperatorAction::Pull => "pull",
            OperatorAction::Diff => "diff",
            OperatorAction::Update => "update",
            OperatorAction::Adopt => "adopt",
            OperatorAction::Delete => "delete",
            OperatorAction::RotatePassword => "rotate-password",
        }
    }

    pub fn parse(name: &str) -> Option<OperatorAction> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The label of its button (and the heading of its confirmation).
    pub fn label(self) -> &'static str {
        match self {
            OperatorAction::Block => "Block",
            OperatorAction::Unblock => "Unblock",
            OperatorAction::Push => "Push Config",
            OperatorAction::Pull => "Pull Config",
            OperatorAction::Diff => "Show Diff",
            OperatorAction::Update => "Trigger Update",
            OperatorAction::Adopt => "Create Config",
            OperatorAction::Delete => "Delete",
            OperatorAction::RotatePassword => "Rotate Retrieval Password",
        }
    }

    /// Its key in the TUI (`b` toggles block and unblock).
    pub fn key(self) -> Option<char> {
        match self {
            OperatorAction::Block | OperatorAction::Unblock => Some('b'),
            OperatorAction::Push => Some('p'),
            OperatorAction::Pull => Some('P'),
            OperatorAction::Diff => Some('d'),
            OperatorAction::Update => Some('u'),
            OperatorAction::Adopt => Some('a'),
            OperatorAction::Delete => Some('D'),
            OperatorAction::RotatePassword => None,
        }
    }

    /// It changes something (or reaches out to the controller), so it is
    /// asked about first.
    pub fn needs_confirm(self) -> bool {
        self != OperatorAction::Diff
    }

    /// Unattended (a script, no terminal) it needs an explicit `--yes`:
    /// it silences, removes or invalidates something, or changes the
    /// controller. Unblocking, adopting and pulling into the hub do not.
    pub fn needs_yes(self) -> bool {
        matches!(
            self,
            OperatorAction::Block
                | OperatorAction::Push
                | OperatorAction::Update
                | OperatorAction::Delete
                | OperatorAction::RotatePassword
        )
    }

    /// A read-only admin token may do it.
    pub fn read_only_allowed(self) -> bool {
        self == OperatorAction::Diff
    }

    /// It acts on a managed config (adopt instead needs a manual customer).
    pub fn needs_config(self) -> bool {
        matches!(
            self,
            OperatorAction::Push
                | OperatorAction::Pull
                | OperatorAction::Diff
                | OperatorAction::Update
                | OperatorAction::Delete
                | OperatorAction::RotatePassword
        )
    }

    /// Shown as dangerous: it silences, removes or invalidates something.
    pub fn danger(self) -> bool {
        matches!(
            self,
            OperatorAction::Block | OperatorAction::Delete | OperatorAction::RotatePassword
        )
    }

    /// Whether it applies to a customer as it is now: block only an
    /// unblocked one and unblock a blocked one, adopt only a manual one,
    /// the config actions only a managed one.
    pub fn applies_to<S>(self, c: &CustomerSummary<S>) -> bool {
        match self {
            OperatorAction::Block => !c.blocked,
            OperatorAction::Unblock => c.blocked,
            OperatorAction::Adopt => !c.managed,
            a => !a.needs_config() || c.managed,
        }
    }

    /// Why it cannot work on a customer as it is now, or `None` when it
    /// can: every front end greys the action with this reason instead of
    /// asking and then failing. The hub still checks when it is asked.
    pub fn refusal<S: AsRef<str>>(self, c: &CustomerSummary<S>) -> Option<&'static str> {
        let reported = c.last_report_at.is_some();
        let url = c
            .controller_url
            .as_ref()
            .is_some_and(|u| !u.as_ref().is_empty());
        // Where it does not apply at all (the rule the buttons are listed
        // by), the reason says which part of that rule.
        if !self.applies_to(c) {
            return Some(match self {
                OperatorAction::Block => "it is already blocked",
                OperatorAction::Unblock => "it is not blocked",
                OperatorAction::Adopt => "it is already managed",
                _ => "it is manual, with no config here (Create Config adopts it)",
            });
        }
        match self {
            OperatorAction::Adopt if !reported => {
                Some("it has never reported: nothing to make a config from")
            }
            OperatorAction::Push
            | OperatorAction::Pull
            | OperatorAction::Diff
            | OperatorAction::Update
                if !reported || !url =>
            {
                Some(
                    "its controller has not reported its URL yet: install the generated controller.yaml on the node and wait for its first report",
                )
            }
            _ => None,
        }
    }

    /// What the confirmation asks, naming the customer (and, for an
    /// update, the version).
    pub fn question(self, id: &str, version: Option<&str>) -> String {
        match self {
            OperatorAction::Block => {
                format!(
                    "Block {id}? Its reports are still stored, but nobody is notified about it."
                )
            }
            OperatorAction::Unblock => format!("Unblock {id}?"),
            OperatorAction::Push => {
                format!("Apply the hub's generated config on {id}'s controller?")
            }
            OperatorAction::Pull => format!(
                "Take the name, domain, email, monitoring overrides and tokens from {id}'s live config into the hub?"
            ),
            OperatorAction::Diff => format!("Compare the hub's config with {id}'s live config?"),
            OperatorAction::Update => match version {
                Some(v) => format!("Update {id}'s controller to {v}?"),
                None => format!("Start a self-update of {id}'s controller?"),
            },
            OperatorAction::Adopt => format!(
                "Create a managed config for {id} from its newest report, with new credentials?"
            ),
            OperatorAction::Delete => format!(
                "Delete {id}'s config? Its credentials stop working; if it keeps reporting it shows as manual."
            ),
            OperatorAction::RotatePassword => format!(
                "Give {id} a new retrieval password? The old one stops working at once; the new one is shown once."
            ),
        }
    }

    /// The sentence that says it succeeded.
    pub fn done(self, id: &str, version: Option<&str>) -> String {
        match self {
            OperatorAction::Block => format!("{id} is blocked."),
            OperatorAction::Unblock => format!("{id} is unblocked."),
            OperatorAction::Push => format!("The config was applied on {id}'s controller."),
            OperatorAction::Pull => format!("The config was taken from {id}'s controller."),
            OperatorAction::Diff => format!("{id}'s configs were compared."),
            OperatorAction::Update => {
                format!(
                    "{id}'s controller is updating to {}.",
                    version.unwrap_or("latest")
                )
            }
            OperatorAction::Adopt => {
                format!("{id} is managed now, with new credentials.")
            }
            OperatorAction::Delete => format!("{id}'s config was deleted."),
            OperatorAction::RotatePassword => format!("{id} has a new retrieval password."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::CustomerStatus;

    fn customer(managed: bool, blocked: bool) -> CustomerSummary {
        CustomerSummary {
            customer_id: "kovacs".into(),
            status: CustomerStatus::Ok,
            health: None,
            last_report_at: None,
            last_received_at: None,
            controller_version: None,
            hostname: None,
            controller_url: None,
            monitoring_disabled: false,
            blocked,
            managed,
            update_available: false,
        }
    }

    #[test]
    fn actions_that_cannot_work_say_why_before_they_are_asked() {
        let pending = customer(true, false);
        for a in [
            OperatorAction::Push,
            OperatorAction::Pull,
            OperatorAction::Diff,
            OperatorAction::Update,
        ] {
            let why = a.refusal(&pending).unwrap_or_default();
            assert!(why.contains("controller.yaml"), "{a:?}: {why}");
        }
        assert_eq!(OperatorAction::Delete.refusal(&pending), None);
        assert_eq!(OperatorAction::RotatePassword.refusal(&pending), None);
        assert_eq!(
            OperatorAction::Adopt.refusal(&pending),
            Some("it is already managed")
        );
        let mut live = customer(true, false);
        live.last_report_at = Some(jiff::Timestamp::UNIX_EPOCH);
        live.controller_url = Some("https://kovacs.felhom.eu".into());
        for a in OperatorAction::ALL {
            assert_eq!(
                a.refusal(&live).is_none(),
                a != OperatorAction::Unblock && a != OperatorAction::Adopt,
                "{a:?}"
            );
        }
        let mut manual = live.clone();
        manual.managed = false;
        assert!(
            OperatorAction::Push
                .refusal(&manual)
                .unwrap_or_default()
                .contains("manual")
        );
        assert_eq!(OperatorAction::Adopt.refusal(&manual), None);
        manual.last_report_at = None;
        assert!(OperatorAction::Adopt.refusal(&manual).is_some());
    }

    #[test]
    fn names_round_trip_and_keys_are_unique_but_for_the_block_toggle() {
        for a in OperatorAction::ALL {
            assert_eq!(OperatorAction::parse(a.name()), Some(a));
            assert!(a.question("kovacs", None).contains("kovacs"));
        }
        let mut keys: Vec<char> = OperatorAction::ALL
            .iter()
            .filter(|a| **a != OperatorAction::Unblock)
            .filter_map(|a| a.key())
            .collect();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn what_applies_follows_the_customer() {
        use OperatorAction::*;
        let shown = |c: &CustomerSummary| -> Vec<OperatorAction> {
            OperatorAction::ALL
                .into_iter()
                .filter(|a| a.applies_to(c))
                .collect()
        };
        assert_eq!(shown(&customer(false, false)), [Block, Adopt]);
        assert_eq!(shown(&customer(false, true)), [Unblock, Adopt]);
        assert_eq!(
            shown(&customer(true, false)),
            [Block, Push, Pull, Diff, Update, Delete, RotatePassword]
        );
        assert!(Diff.read_only_allowed() && !Diff.needs_confirm());
        assert!(!Push.read_only_allowed() && Push.needs_confirm());
    }
}
