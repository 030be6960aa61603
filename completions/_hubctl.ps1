
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hubctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hubctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hubctl' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Check a server and token and save them for later commands')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the saved server and token')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'The fleet: status, health, last report, version, 24 h error/warning counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One customer: config summary, system, storage, containers, backups, events')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Events, newest first; --follow streams new ones')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'A customer''s stored reports over a period')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Managed customer configs')
            [CompletionResult]::new('block', 'block', [CompletionResultType]::ParameterValue, 'Block a customer: reports still stored, notifications suppressed')
            [CompletionResult]::new('unblock', 'unblock', [CompletionResultType]::ParameterValue, 'Unblock a customer')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a customer''s config (it shows as manual if it keeps reporting)')
            [CompletionResult]::new('adopt', 'adopt', [CompletionResultType]::ParameterValue, 'Create a config for a manual customer from its newest report')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Apply the hub''s generated config on the customer''s controller')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Take identity and overrides from the controller''s live config')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Hub-generated vs. controller live config; exit 1 when they differ')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Start a controller self-update')
            [CompletionResult]::new('notifications', 'notifications', [CompletionResultType]::ParameterValue, 'The notification log: what was sent, skipped or failed')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit log of operator actions')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'The newest controller version and the fleet''s versions')
            [CompletionResult]::new('incidents', 'incidents', [CompletionResultType]::ParameterValue, 'Incidents, newest first: what is open, what was said, what was held')
            [CompletionResult]::new('maintenance', 'maintenance', [CompletionResultType]::ParameterValue, 'Maintenance windows: no opening notifications while one is active')
            [CompletionResult]::new('status-link', 'status-link', [CompletionResultType]::ParameterValue, 'A signed link to the customer''s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'The operator''s daily digest as it would be sent now (read-only token enough); --send sends it now')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'The operator''s webhook, ntfy and Telegram channels beside email')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron and CI: exit 1 when a non-blocked customer is down')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), e.g. `hubctl man > hubctl.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;login' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;logout' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;tui' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;fleet' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these statuses (comma separated): ok, warn, down, disabled, pending, blocked')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'The order: status (problems first: down, warn, pending, disabled, ok, blocked; then id), id, last-report (oldest first) or version')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include blocked customers')
            [CompletionResult]::new('--drifted', '--drifted', [CompletionResultType]::ParameterName, 'Only managed customers whose live config drifted from the hub''s')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw on every change from the hub''s live stream')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;events' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'customer')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'info, warning or error')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'An event type, e.g. backup_failed')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'A duration back from now (2h, 7d) or a date (2026-11-01) or timestamp')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they arrive')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;history' {
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, '1h, 24h, 7d, 30d or 90d')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'All managed configs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One config (tokens redacted)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a config; prompts on a terminal for what flags leave out')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a config')
            [CompletionResult]::new('yaml', 'yaml', [CompletionResultType]::ParameterValue, 'The generated controller.yaml (contains secrets)')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'API key, retrieval password, session secret and tokens')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one generated credential')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;config;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'domain')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'email')
            [CompletionResult]::new('--token-value', '--token-value', [CompletionResultType]::ParameterName, 'An infrastructure token, NAME=VALUE (repeatable), e.g. tunnel=abc')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;edit' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;yaml' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;credentials' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;rotate' {
            [CompletionResult]::new('--credential', '--credential', [CompletionResultType]::ParameterName, 'credential')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;config;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'All managed configs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One config (tokens redacted)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a config; prompts on a terminal for what flags leave out')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a config')
            [CompletionResult]::new('yaml', 'yaml', [CompletionResultType]::ParameterValue, 'The generated controller.yaml (contains secrets)')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'API key, retrieval password, session secret and tokens')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one generated credential')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;config;help;list' {
            break
        }
        'hubctl;config;help;show' {
            break
        }
        'hubctl;config;help;create' {
            break
        }
        'hubctl;config;help;edit' {
            break
        }
        'hubctl;config;help;delete' {
            break
        }
        'hubctl;config;help;yaml' {
            break
        }
        'hubctl;config;help;credentials' {
            break
        }
        'hubctl;config;help;rotate' {
            break
        }
        'hubctl;config;help;help' {
            break
        }
        'hubctl;block' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;unblock' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;adopt' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;push' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;pull' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;diff' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;update' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'A version like 1.9.0; the newest when left out')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hubctl;notifications' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'customer')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;audit' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'customer')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;versions' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;incidents' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'customer')
            [CompletionResult]::new('--family', '--family', [CompletionResultType]::ParameterName, 'node, backup, dbdump, disk, flapping or fleet')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only incidents not yet resolved')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;maintenance' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a window for one customer or (--all) the whole fleet')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Windows active now or still to come')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'End a window now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;maintenance;add' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'One-off, from now: 30m, 2h, 1d')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'One-off start: RFC 3339, or "2026-12-07 02:00" in --timezone')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'until')
            [CompletionResult]::new('--daily', '--daily', [CompletionResultType]::ParameterName, 'Every day at HH:MM (local to --timezone), for --duration')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'duration')
            [CompletionResult]::new('--weekdays', '--weekdays', [CompletionResultType]::ParameterName, 'Only on these days (makes it weekly): sun,wed')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'Default: the hub''s alerting.timezone')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'reason')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'The whole fleet')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;maintenance;list' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'customer')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;maintenance;end' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;maintenance;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a window for one customer or (--all) the whole fleet')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Windows active now or still to come')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'End a window now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;maintenance;help;add' {
            break
        }
        'hubctl;maintenance;help;list' {
            break
        }
        'hubctl;maintenance;help;end' {
            break
        }
        'hubctl;maintenance;help;help' {
            break
        }
        'hubctl;status-link' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long it lives: 30d, 12h (default: the hub''s status_page.ttl)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'revoke')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;digest' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'send')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;channel' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel; it gets what the operator email gets, or --events')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every channel: state, last success, last error')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel and what it still had queued')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;channel;add' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'kind')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The webhook''s URL, or the ntfy topic''s (https://ntfy.sh/felhom-alerts)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook''s signing secret (X-Felhom-Signature)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The ntfy access token, or the Telegram bot token')
            [CompletionResult]::new('--chat-id', '--chat-id', [CompletionResultType]::ParameterName, 'The Telegram chat to send to')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Only these (comma separated): event types and reminder, mass_outage, node_flapping, node_stable, <family>_resolved')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;channel;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;channel;test' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;channel;remove' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;channel;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel; it gets what the operator email gets, or --events')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every channel: state, last success, last error')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel and what it still had queued')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;channel;help;add' {
            break
        }
        'hubctl;channel;help;list' {
            break
        }
        'hubctl;channel;help;test' {
            break
        }
        'hubctl;channel;help;remove' {
            break
        }
        'hubctl;channel;help;help' {
            break
        }
        'hubctl;check' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Also fail on `warn`')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;completions' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;man' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The hub''s base URL, e.g. https://hub.felhom.eu')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (`hub-server token create`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format; json and yaml print the API''s objects unchanged')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also: NO_COLOR, or stdout not a terminal)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive or outward actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Check a server and token and save them for later commands')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the saved server and token')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'The live console: fleet, customers, events, diffs and actions, in the terminal (keys: `?`)')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'The fleet: status, health, last report, version, 24 h error/warning counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One customer: config summary, system, storage, containers, backups, events')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Events, newest first; --follow streams new ones')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'A customer''s stored reports over a period')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Managed customer configs')
            [CompletionResult]::new('block', 'block', [CompletionResultType]::ParameterValue, 'Block a customer: reports still stored, notifications suppressed')
            [CompletionResult]::new('unblock', 'unblock', [CompletionResultType]::ParameterValue, 'Unblock a customer')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a customer''s config (it shows as manual if it keeps reporting)')
            [CompletionResult]::new('adopt', 'adopt', [CompletionResultType]::ParameterValue, 'Create a config for a manual customer from its newest report')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Apply the hub''s generated config on the customer''s controller')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Take identity and overrides from the controller''s live config')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Hub-generated vs. controller live config; exit 1 when they differ')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Start a controller self-update')
            [CompletionResult]::new('notifications', 'notifications', [CompletionResultType]::ParameterValue, 'The notification log: what was sent, skipped or failed')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit log of operator actions')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'The newest controller version and the fleet''s versions')
            [CompletionResult]::new('incidents', 'incidents', [CompletionResultType]::ParameterValue, 'Incidents, newest first: what is open, what was said, what was held')
            [CompletionResult]::new('maintenance', 'maintenance', [CompletionResultType]::ParameterValue, 'Maintenance windows: no opening notifications while one is active')
            [CompletionResult]::new('status-link', 'status-link', [CompletionResultType]::ParameterValue, 'A signed link to the customer''s Hungarian status page (-o json: {"url", "expires_at"}); --revoke ends every earlier link')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'The operator''s daily digest as it would be sent now (read-only token enough); --send sends it now')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'The operator''s webhook, ntfy and Telegram channels beside email')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron and CI: exit 1 when a non-blocked customer is down')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), e.g. `hubctl man > hubctl.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubctl;help;login' {
            break
        }
        'hubctl;help;logout' {
            break
        }
        'hubctl;help;tui' {
            break
        }
        'hubctl;help;fleet' {
            break
        }
        'hubctl;help;show' {
            break
        }
        'hubctl;help;events' {
            break
        }
        'hubctl;help;history' {
            break
        }
        'hubctl;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'All managed configs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One config (tokens redacted)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a config; prompts on a terminal for what flags leave out')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a config in $VISUAL/$EDITOR as YAML; applied after validation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a config')
            [CompletionResult]::new('yaml', 'yaml', [CompletionResultType]::ParameterValue, 'The generated controller.yaml (contains secrets)')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'API key, retrieval password, session secret and tokens')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one generated credential')
            break
        }
        'hubctl;help;config;list' {
            break
        }
        'hubctl;help;config;show' {
            break
        }
        'hubctl;help;config;create' {
            break
        }
        'hubctl;help;config;edit' {
            break
        }
        'hubctl;help;config;delete' {
            break
        }
        'hubctl;help;config;yaml' {
            break
        }
        'hubctl;help;config;credentials' {
            break
        }
        'hubctl;help;config;rotate' {
            break
        }
        'hubctl;help;block' {
            break
        }
        'hubctl;help;unblock' {
            break
        }
        'hubctl;help;delete' {
            break
        }
        'hubctl;help;adopt' {
            break
        }
        'hubctl;help;push' {
            break
        }
        'hubctl;help;pull' {
            break
        }
        'hubctl;help;diff' {
            break
        }
        'hubctl;help;update' {
            break
        }
        'hubctl;help;notifications' {
            break
        }
        'hubctl;help;audit' {
            break
        }
        'hubctl;help;versions' {
            break
        }
        'hubctl;help;incidents' {
            break
        }
        'hubctl;help;maintenance' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a window for one customer or (--all) the whole fleet')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Windows active now or still to come')
            [CompletionResult]::new('end', 'end', [CompletionResultType]::ParameterValue, 'End a window now')
            break
        }
        'hubctl;help;maintenance;add' {
            break
        }
        'hubctl;help;maintenance;list' {
            break
        }
        'hubctl;help;maintenance;end' {
            break
        }
        'hubctl;help;status-link' {
            break
        }
        'hubctl;help;digest' {
            break
        }
        'hubctl;help;channel' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel; it gets what the operator email gets, or --events')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every channel: state, last success, last error')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test message now (exit 1 if it fails); a success turns a disabled channel back on')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel and what it still had queued')
            break
        }
        'hubctl;help;channel;add' {
            break
        }
        'hubctl;help;channel;list' {
            break
        }
        'hubctl;help;channel;test' {
            break
        }
        'hubctl;help;channel;remove' {
            break
        }
        'hubctl;help;check' {
            break
        }
        'hubctl;help;completions' {
            break
        }
        'hubctl;help;man' {
            break
        }
        'hubctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
