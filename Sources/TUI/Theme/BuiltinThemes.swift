/// The default and mono themes compiled in, so the dashboard draws right even when the
/// `Themes/` directory is not installed. They are copies of Themes/default.theme and
/// Themes/mono.theme (a unit test keeps them equal).
enum BuiltinThemes {
    static let defaultText = """
# Kwartier theme: default (dark terminal background).
# One role per line:  role = [FG] [on BG] [bold] [dim] [reverse] [underline]
# Colours: default, black red green yellow blue magenta cyan white, bright<name>, gray,
# color0-color255, #rrggbb. Roles left out are taken from this default theme.
name           = default
normal         = default
dim            = brightblack
label          = cyan
value          = bold
title          = bold brightwhite on blue
tab_active     = bold black on cyan
tab_inactive   = white on blue
clock          = bold brightwhite on blue
frame          = blue
frame_title    = bold cyan
header         = bold black on green
selected       = black on cyan
ok             = green
warn           = bold yellow
crit           = bold brightwhite on red
flow_import    = bold red
flow_export    = bold green
flow_source    = yellow
flow_load      = cyan
flow_idle      = brightblack
bar_ok         = green
bar_warn       = yellow
bar_crit       = bold red
bar_empty      = brightblack
slider_average = cyan
slider_forecast = blue
slider_over    = bold red
slider_track   = brightblack
slider_marker  = bold brightwhite
peak_marker    = bold magenta
light_on       = bold green
light_off      = brightblack
light_warn     = bold yellow
light_error    = bold red
footer_key     = black on cyan
footer_text    = default
message        = bold cyan
alert_info     = cyan
alert_warn     = bold yellow
alert_crit     = bold brightwhite on red
overlay        = default
overlay_title  = bold cyan
log_debug      = brightblack
log_info       = default
log_warn       = yellow
log_error      = bold red
"""

    static let monoText = """
# Kwartier theme: mono — no colour at all, roles told apart by attributes (htop's monochrome
# scheme). Used automatically when the terminal has no colour or NO_COLOR is set.
name           = mono
normal         = default
dim            = dim
label          = default
value          = bold
title          = reverse bold
tab_active     = bold underline
tab_inactive   = reverse
clock          = reverse
frame          = default
frame_title    = bold
header         = reverse
selected       = reverse
ok             = default
warn           = bold
crit           = bold reverse
flow_import    = bold
flow_export    = underline
flow_source    = default
flow_load      = default
flow_idle      = dim
bar_ok         = default
bar_warn       = bold
bar_crit       = bold reverse
bar_empty      = dim
slider_average = default
slider_forecast = default
slider_over    = bold reverse
slider_track   = dim
slider_marker  = bold
peak_marker    = bold
light_on       = bold
light_off      = dim
light_warn     = bold
light_error    = bold reverse
footer_key     = reverse
footer_text    = default
message        = bold
alert_info     = default
alert_warn     = bold
alert_crit     = bold reverse
overlay        = default
overlay_title  = bold
log_debug      = dim
log_info       = default
log_warn       = bold
log_error      = bold reverse
"""
}
