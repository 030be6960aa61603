# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hubctl_global_optspecs
    string join \n server= token= o/output= no-color y/yes h/help V/version
end

function __fish_hubctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hubctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hubctl_using_subcommand
    set -l cmd (__fish_hubctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hubctl -n "__fish_hubctl_needs_command" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_needs_command" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_needs_command" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_needs_command" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_needs_command" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_needs_command" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_needs_command" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "login" -d 'Check a server and token and save them for later commands'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "logout" -d 'Forget the saved server and token'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "tui" -d 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "fleet" -d 'The fleet: status, health, last report, version, 24 h error/warning counts'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "show" -d 'One customer: config summary, system, storage, containers, backups, events'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "events" -d 'Events, newest first; --follow streams new ones'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "history" -d 'A customer\'s stored reports over a period'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "config" -d 'Managed customer configs'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "block" -d 'Block a customer: reports still stored, notifications suppressed'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "unblock" -d 'Unblock a customer'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "delete" -d 'Delete a customer\'s config (it shows as manual if it keeps reporting)'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "adopt" -d 'Create a config for a manual customer from its newest report'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "push" -d 'Apply the hub\'s generated config on the customer\'s controller'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "pull" -d 'Take identity and overrides from the controller\'s live config'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "diff" -d 'Hub-generated vs. controller live config; exit 1 when they differ'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "update" -d 'Start a controller self-update'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "notifications" -d 'The notification log: what was sent, skipped or failed'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "audit" -d 'The audit log of operator actions'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "versions" -d 'The newest controller version and the fleet\'s versions'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "incidents" -d 'Incidents, newest first: what is open, what was said, what was held'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "maintenance" -d 'Maintenance windows: no opening notifications while one is active'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "status-link" -d 'A signed link to the customer\'s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "digest" -d 'The operator\'s daily digest as it would be sent now (read-only token enough); --send sends it now'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "channel" -d 'The operator\'s webhook, ntfy and Telegram channels beside email'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "check" -d 'For cron and CI: exit 1 when a non-blocked customer is down'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "man" -d 'Print the man page (roff), e.g. `hubctl man > hubctl.1`'
complete -c hubctl -n "__fish_hubctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand login" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand logout" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand tui" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l status -d 'Only these statuses (comma separated): ok, warn, down, disabled, pending, blocked' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l sort -d 'The order: status (problems first: down, warn, pending, disabled, ok, blocked; then id), id, last-report (oldest first) or version' -r -f -a "status\t''
id\t''
last-report\t''
version\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l all -d 'Include blocked customers'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l drifted -d 'Only managed customers whose live config drifted from the hub\'s'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l watch -d 'Redraw on every change from the hub\'s live stream'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand fleet" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand show" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l customer -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l severity -d 'info, warning or error' -r -f -a "info\t''
warning\t''
error\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l type -d 'An event type, e.g. backup_failed' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l since -d 'A duration back from now (2h, 7d) or a date (2026-11-01) or timestamp' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l limit -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l follow -d 'Keep printing new events as they arrive'
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand events" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -l period -d '1h, 24h, 7d, 30d or 90d' -r -f -a "1h\t''
24h\t''
7d\t''
30d\t''
90d\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand history" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "list" -d 'All managed configs'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "show" -d 'One config (tokens redacted)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "create" -d 'Create a config; prompts on a terminal for what flags leave out'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "edit" -d 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "delete" -d 'Delete a config'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "yaml" -d 'The generated controller.yaml (contains secrets)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "credentials" -d 'API key, retrieval password, session secret and tokens'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "rotate" -d 'Replace one generated credential'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and not __fish_seen_subcommand_from list show create edit delete yaml credentials rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l name -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l domain -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l email -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l token-value -d 'An infrastructure token, NAME=VALUE (repeatable), e.g. tunnel=abc' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from yaml" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from credentials" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -l credential -r -f -a "api_key\t''
retrieval_password\t''
session_secret\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'All managed configs'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'One config (tokens redacted)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a config; prompts on a terminal for what flags leave out'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a config'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "yaml" -d 'The generated controller.yaml (contains secrets)'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "credentials" -d 'API key, retrieval password, session secret and tokens'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace one generated credential'
complete -c hubctl -n "__fish_hubctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand block" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand unblock" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand delete" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand adopt" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand push" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand pull" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand diff" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -l version -d 'A version like 1.9.0; the newest when left out' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand update" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -l customer -r
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -l limit -r
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand notifications" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -l customer -r
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -l limit -r
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand audit" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand versions" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l customer -r
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l family -d 'node, backup, dbdump, disk, flapping or fleet' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l limit -r
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l open -d 'Only incidents not yet resolved'
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand incidents" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -f -a "add" -d 'Add a window for one customer or (--all) the whole fleet'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -f -a "list" -d 'Windows active now or still to come'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -f -a "end" -d 'End a window now'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and not __fish_seen_subcommand_from add list end help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l for -d 'One-off, from now: 30m, 2h, 1d' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l from -d 'One-off start: RFC 3339, or "2026-12-07 02:00" in --timezone' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l until -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l daily -d 'Every day at HH:MM (local to --timezone), for --duration' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l duration -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l weekdays -d 'Only on these days (makes it weekly): sun,wed' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l timezone -d 'Default: the hub\'s alerting.timezone' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l reason -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l all -d 'The whole fleet'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l customer -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from end" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a window for one customer or (--all) the whole fleet'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "list" -d 'Windows active now or still to come'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "end" -d 'End a window now'
complete -c hubctl -n "__fish_hubctl_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -l ttl -d 'How long it lives: 30d, 12h (default: the hub\'s status_page.ttl)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -l revoke
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand status-link" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -l send
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand digest" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -f -a "add" -d 'Add a channel; it gets what the operator email gets, or --events'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -f -a "list" -d 'Every channel: state, last success, last error'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -f -a "test" -d 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -f -a "remove" -d 'Remove a channel and what it still had queued'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and not __fish_seen_subcommand_from add list test remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l kind -r -f -a "webhook\t''
ntfy\t''
telegram\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l url -d 'The webhook\'s URL, or the ntfy topic\'s (https://ntfy.sh/felhom-alerts)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l secret -d 'The webhook\'s signing secret (X-Felhom-Signature)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l token -d 'The ntfy access token, or the Telegram bot token' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l chat-id -d 'The Telegram chat to send to' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l events -d 'Only these (comma separated): event types and reminder, mass_outage, node_flapping, node_stable, <family>_resolved' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a channel; it gets what the operator email gets, or --events'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every channel: state, last success, last error'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a channel and what it still had queued'
complete -c hubctl -n "__fish_hubctl_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -l strict -d 'Also fail on `warn`'
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -l server -d 'The hub\'s base URL, e.g. https://hub.felhom.eu' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -l token -d 'An admin token (`hub-server token create`)' -r
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -s o -l output -d 'Output format; json and yaml print the API\'s objects unchanged' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -l no-color -d 'No colours (also: NO_COLOR, or stdout not a terminal)'
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -s y -l yes -d 'Do not ask before destructive or outward actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c hubctl -n "__fish_hubctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "login" -d 'Check a server and token and save them for later commands'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "logout" -d 'Forget the saved server and token'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "tui" -d 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "fleet" -d 'The fleet: status, health, last report, version, 24 h error/warning counts'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "show" -d 'One customer: config summary, system, storage, containers, backups, events'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "events" -d 'Events, newest first; --follow streams new ones'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "history" -d 'A customer\'s stored reports over a period'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "config" -d 'Managed customer configs'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "block" -d 'Block a customer: reports still stored, notifications suppressed'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "unblock" -d 'Unblock a customer'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "delete" -d 'Delete a customer\'s config (it shows as manual if it keeps reporting)'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "adopt" -d 'Create a config for a manual customer from its newest report'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "push" -d 'Apply the hub\'s generated config on the customer\'s controller'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "pull" -d 'Take identity and overrides from the controller\'s live config'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "diff" -d 'Hub-generated vs. controller live config; exit 1 when they differ'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "update" -d 'Start a controller self-update'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "notifications" -d 'The notification log: what was sent, skipped or failed'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "audit" -d 'The audit log of operator actions'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "versions" -d 'The newest controller version and the fleet\'s versions'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "incidents" -d 'Incidents, newest first: what is open, what was said, what was held'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "maintenance" -d 'Maintenance windows: no opening notifications while one is active'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "status-link" -d 'A signed link to the customer\'s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "digest" -d 'The operator\'s daily digest as it would be sent now (read-only token enough); --send sends it now'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "channel" -d 'The operator\'s webhook, ntfy and Telegram channels beside email'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "check" -d 'For cron and CI: exit 1 when a non-blocked customer is down'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "man" -d 'Print the man page (roff), e.g. `hubctl man > hubctl.1`'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and not __fish_seen_subcommand_from login logout tui fleet show events history config block unblock delete adopt push pull diff update notifications audit versions incidents maintenance status-link digest channel check completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'All managed configs'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'One config (tokens redacted)'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "create" -d 'Create a config; prompts on a terminal for what flags leave out'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "edit" -d 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "delete" -d 'Delete a config'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "yaml" -d 'The generated controller.yaml (contains secrets)'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "credentials" -d 'API key, retrieval password, session secret and tokens'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rotate" -d 'Replace one generated credential'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "add" -d 'Add a window for one customer or (--all) the whole fleet'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "list" -d 'Windows active now or still to come'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "end" -d 'End a window now'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "add" -d 'Add a channel; it gets what the operator email gets, or --events'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "list" -d 'Every channel: state, last success, last error'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "test" -d 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on'
complete -c hubctl -n "__fish_hubctl_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "remove" -d 'Remove a channel and what it still had queued'
