
use builtin;
use str;

set edit:completion:arg-completer[hubctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hubctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hubctl'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Check a server and token and save them for later commands'
            cand logout 'Forget the saved server and token'
            cand tui 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)'
            cand fleet 'The fleet: status, health, last report, version, 24 h error/warning counts'
            cand show 'One customer: config summary, system, storage, containers, backups, events'
            cand events 'Events, newest first; --follow streams new ones'
            cand history 'A customer''s stored reports over a period'
            cand config 'Managed customer configs'
            cand block 'Block a customer: reports still stored, notifications suppressed'
            cand unblock 'Unblock a customer'
            cand delete 'Delete a customer''s config (it shows as manual if it keeps reporting)'
            cand adopt 'Create a config for a manual customer from its newest report'
            cand push 'Apply the hub''s generated config on the customer''s controller'
            cand pull 'Take identity and overrides from the controller''s live config'
            cand diff 'Hub-generated vs. controller live config; exit 1 when they differ'
            cand update 'Start a controller self-update'
            cand notifications 'The notification log: what was sent, skipped or failed'
            cand audit 'The audit log of operator actions'
            cand versions 'The newest controller version and the fleet''s versions'
            cand incidents 'Incidents, newest first: what is open, what was said, what was held'
            cand maintenance 'Maintenance windows: no opening notifications while one is active'
            cand status-link 'A signed link to the customer''s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link'
            cand digest 'The operator''s daily digest as it would be sent now (read-only token enough); --send sends it now'
            cand channel 'The operator''s webhook, ntfy and Telegram channels beside email'
            cand check 'For cron and CI: exit 1 when a non-blocked customer is down'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), e.g. `hubctl man > hubctl.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;login'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;logout'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;tui'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;fleet'= {
            cand --status 'Only these statuses (comma separated): ok, warn, down, disabled, pending, blocked'
            cand --sort 'The order: status (problems first: down, warn, pending, disabled, ok, blocked; then id), id, last-report (oldest first) or version'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --all 'Include blocked customers'
            cand --drifted 'Only managed customers whose live config drifted from the hub''s'
            cand --watch 'Redraw on every change from the hub''s live stream'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;show'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;events'= {
            cand --customer 'customer'
            cand --severity 'info, warning or error'
            cand --type 'An event type, e.g. backup_failed'
            cand --since 'A duration back from now (2h, 7d) or a date (2026-11-01) or timestamp'
            cand --limit 'limit'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --follow 'Keep printing new events as they arrive'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;history'= {
            cand --period '1h, 24h, 7d, 30d or 90d'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'All managed configs'
            cand show 'One config (tokens redacted)'
            cand create 'Create a config; prompts on a terminal for what flags leave out'
            cand edit 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
            cand delete 'Delete a config'
            cand yaml 'The generated controller.yaml (contains secrets)'
            cand credentials 'API key, retrieval password, session secret and tokens'
            cand rotate 'Replace one generated credential'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;config;list'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;show'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;create'= {
            cand --name 'name'
            cand --domain 'domain'
            cand --email 'email'
            cand --token-value 'An infrastructure token, NAME=VALUE (repeatable), e.g. tunnel=abc'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;edit'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;delete'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;yaml'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;credentials'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;rotate'= {
            cand --credential 'credential'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;config;help'= {
            cand list 'All managed configs'
            cand show 'One config (tokens redacted)'
            cand create 'Create a config; prompts on a terminal for what flags leave out'
            cand edit 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
            cand delete 'Delete a config'
            cand yaml 'The generated controller.yaml (contains secrets)'
            cand credentials 'API key, retrieval password, session secret and tokens'
            cand rotate 'Replace one generated credential'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;config;help;list'= {
        }
        &'hubctl;config;help;show'= {
        }
        &'hubctl;config;help;create'= {
        }
        &'hubctl;config;help;edit'= {
        }
        &'hubctl;config;help;delete'= {
        }
        &'hubctl;config;help;yaml'= {
        }
        &'hubctl;config;help;credentials'= {
        }
        &'hubctl;config;help;rotate'= {
        }
        &'hubctl;config;help;help'= {
        }
        &'hubctl;block'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;unblock'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;delete'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;adopt'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;push'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;pull'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;diff'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;update'= {
            cand --version 'A version like 1.9.0; the newest when left out'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hubctl;notifications'= {
            cand --customer 'customer'
            cand --limit 'limit'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;audit'= {
            cand --customer 'customer'
            cand --limit 'limit'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;versions'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;incidents'= {
            cand --customer 'customer'
            cand --family 'node, backup, dbdump, disk, flapping or fleet'
            cand --limit 'limit'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --open 'Only incidents not yet resolved'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;maintenance'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a window for one customer or (--all) the whole fleet'
            cand list 'Windows active now or still to come'
            cand end 'End a window now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;maintenance;add'= {
            cand --for 'One-off, from now: 30m, 2h, 1d'
            cand --from 'One-off start: RFC 3339, or "2026-12-07 02:00" in --timezone'
            cand --until 'until'
            cand --daily 'Every day at HH:MM (local to --timezone), for --duration'
            cand --duration 'duration'
            cand --weekdays 'Only on these days (makes it weekly): sun,wed'
            cand --timezone 'Default: the hub''s alerting.timezone'
            cand --reason 'reason'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --all 'The whole fleet'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;maintenance;list'= {
            cand --customer 'customer'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;maintenance;end'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;maintenance;help'= {
            cand add 'Add a window for one customer or (--all) the whole fleet'
            cand list 'Windows active now or still to come'
            cand end 'End a window now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;maintenance;help;add'= {
        }
        &'hubctl;maintenance;help;list'= {
        }
        &'hubctl;maintenance;help;end'= {
        }
        &'hubctl;maintenance;help;help'= {
        }
        &'hubctl;status-link'= {
            cand --ttl 'How long it lives: 30d, 12h (default: the hub''s status_page.ttl)'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --revoke 'revoke'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;digest'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --send 'send'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;channel'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a channel; it gets what the operator email gets, or --events'
            cand list 'Every channel: state, last success, last error'
            cand test 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
            cand remove 'Remove a channel and what it still had queued'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;channel;add'= {
            cand --kind 'kind'
            cand --url 'The webhook''s URL, or the ntfy topic''s (https://ntfy.sh/felhom-alerts)'
            cand --secret 'The webhook''s signing secret (X-Felhom-Signature)'
            cand --token 'The ntfy access token, or the Telegram bot token'
            cand --chat-id 'The Telegram chat to send to'
            cand --events 'Only these (comma separated): event types and reminder, mass_outage, node_flapping, node_stable, <family>_resolved'
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;channel;list'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;channel;test'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;channel;remove'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;channel;help'= {
            cand add 'Add a channel; it gets what the operator email gets, or --events'
            cand list 'Every channel: state, last success, last error'
            cand test 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
            cand remove 'Remove a channel and what it still had queued'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;channel;help;add'= {
        }
        &'hubctl;channel;help;list'= {
        }
        &'hubctl;channel;help;test'= {
        }
        &'hubctl;channel;help;remove'= {
        }
        &'hubctl;channel;help;help'= {
        }
        &'hubctl;check'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --strict 'Also fail on `warn`'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;completions'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;man'= {
            cand --server 'The hub''s base URL, e.g. https://hub.felhom.eu'
            cand --token 'An admin token (`hub-server token create`)'
            cand -o 'Output format; json and yaml print the API''s objects unchanged'
            cand --output 'Output format; json and yaml print the API''s objects unchanged'
            cand --no-color 'No colours (also: NO_COLOR, or stdout not a terminal)'
            cand -y 'Do not ask before destructive or outward actions'
            cand --yes 'Do not ask before destructive or outward actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hubctl;help'= {
            cand login 'Check a server and token and save them for later commands'
            cand logout 'Forget the saved server and token'
            cand tui 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)'
            cand fleet 'The fleet: status, health, last report, version, 24 h error/warning counts'
            cand show 'One customer: config summary, system, storage, containers, backups, events'
            cand events 'Events, newest first; --follow streams new ones'
            cand history 'A customer''s stored reports over a period'
            cand config 'Managed customer configs'
            cand block 'Block a customer: reports still stored, notifications suppressed'
            cand unblock 'Unblock a customer'
            cand delete 'Delete a customer''s config (it shows as manual if it keeps reporting)'
            cand adopt 'Create a config for a manual customer from its newest report'
            cand push 'Apply the hub''s generated config on the customer''s controller'
            cand pull 'Take identity and overrides from the controller''s live config'
            cand diff 'Hub-generated vs. controller live config; exit 1 when they differ'
            cand update 'Start a controller self-update'
            cand notifications 'The notification log: what was sent, skipped or failed'
            cand audit 'The audit log of operator actions'
            cand versions 'The newest controller version and the fleet''s versions'
            cand incidents 'Incidents, newest first: what is open, what was said, what was held'
            cand maintenance 'Maintenance windows: no opening notifications while one is active'
            cand status-link 'A signed link to the customer''s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link'
            cand digest 'The operator''s daily digest as it would be sent now (read-only token enough); --send sends it now'
            cand channel 'The operator''s webhook, ntfy and Telegram channels beside email'
            cand check 'For cron and CI: exit 1 when a non-blocked customer is down'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), e.g. `hubctl man > hubctl.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hubctl;help;login'= {
        }
        &'hubctl;help;logout'= {
        }
        &'hubctl;help;tui'= {
        }
        &'hubctl;help;fleet'= {
        }
        &'hubctl;help;show'= {
        }
        &'hubctl;help;events'= {
        }
        &'hubctl;help;history'= {
        }
        &'hubctl;help;config'= {
            cand list 'All managed configs'
            cand show 'One config (tokens redacted)'
            cand create 'Create a config; prompts on a terminal for what flags leave out'
            cand edit 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
            cand delete 'Delete a config'
            cand yaml 'The generated controller.yaml (contains secrets)'
            cand credentials 'API key, retrieval password, session secret and tokens'
            cand rotate 'Replace one generated credential'
        }
        &'hubctl;help;config;list'= {
        }
        &'hubctl;help;config;show'= {
        }
        &'hubctl;help;config;create'= {
        }
        &'hubctl;help;config;edit'= {
        }
        &'hubctl;help;config;delete'= {
        }
        &'hubctl;help;config;yaml'= {
        }
        &'hubctl;help;config;credentials'= {
        }
        &'hubctl;help;config;rotate'= {
        }
        &'hubctl;help;block'= {
        }
        &'hubctl;help;unblock'= {
        }
        &'hubctl;help;delete'= {
        }
        &'hubctl;help;adopt'= {
        }
        &'hubctl;help;push'= {
        }
        &'hubctl;help;pull'= {
        }
        &'hubctl;help;diff'= {
        }
        &'hubctl;help;update'= {
        }
        &'hubctl;help;notifications'= {
        }
        &'hubctl;help;audit'= {
        }
        &'hubctl;help;versions'= {
        }
        &'hubctl;help;incidents'= {
        }
        &'hubctl;help;maintenance'= {
            cand add 'Add a window for one customer or (--all) the whole fleet'
            cand list 'Windows active now or still to come'
            cand end 'End a window now'
        }
        &'hubctl;help;maintenance;add'= {
        }
        &'hubctl;help;maintenance;list'= {
        }
        &'hubctl;help;maintenance;end'= {
        }
        &'hubctl;help;status-link'= {
        }
        &'hubctl;help;digest'= {
        }
        &'hubctl;help;channel'= {
            cand add 'Add a channel; it gets what the operator email gets, or --events'
            cand list 'Every channel: state, last success, last error'
            cand test 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
            cand remove 'Remove a channel and what it still had queued'
        }
        &'hubctl;help;channel;add'= {
        }
        &'hubctl;help;channel;list'= {
        }
        &'hubctl;help;channel;test'= {
        }
        &'hubctl;help;channel;remove'= {
        }
        &'hubctl;help;check'= {
        }
        &'hubctl;help;completions'= {
        }
        &'hubctl;help;man'= {
        }
        &'hubctl;help;help'= {
        }
    ]
    $completions[$command]
}
