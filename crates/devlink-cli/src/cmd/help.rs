//! The usage texts of iproute2 6.1 `devlink` (to standard error, exit status 0), with
//! the program's name changed.

/// `cmd_dev_help`.
pub(crate) const DEV: &str = r#"Usage: dlctl dev show [ DEV ]
       dlctl dev eswitch set DEV [ mode { legacy | switchdev } ]
                               [ inline-mode { none | link | network | transport } ]
                               [ encap-mode { none | basic } ]
       dlctl dev eswitch show DEV
       dlctl dev param set DEV name PARAMETER value VALUE cmode { permanent | driverinit | runtime }
       dlctl dev param show [DEV name PARAMETER]
       dlctl dev reload DEV [ netns { PID | NAME | ID } ]
                              [ action { driver_reinit | fw_activate } ] [ limit no_reset ]
       dlctl dev info [ DEV ]
       dlctl dev flash DEV file PATH [ component NAME ] [ overwrite SECTION ]
       dlctl dev selftests show [DEV]
       dlctl dev selftests run DEV [id TESTNAME ]
"#;

/// `cmd_port_help`.
pub(crate) const PORT: &str = r#"Usage: dlctl port show [ DEV/PORT_INDEX ]
       dlctl port set DEV/PORT_INDEX [ type { eth | ib | auto} ]
       dlctl port split DEV/PORT_INDEX count COUNT
       dlctl port unsplit DEV/PORT_INDEX
       dlctl port function set DEV/PORT_INDEX [ hw_addr ADDR ] [ state { active | inactive } ]
       dlctl port function rate { help | show | add | del | set }
       dlctl port param set DEV/PORT_INDEX name PARAMETER value VALUE cmode { permanent | driverinit | runtime }
       dlctl port param show [DEV/PORT_INDEX name PARAMETER]
       dlctl port health show [ DEV/PORT_INDEX reporter REPORTER_NAME ]
       dlctl port add DEV/PORT_INDEX flavour FLAVOUR pfnum PFNUM
                      [ sfnum SFNUM ][ controller CNUM ]
       dlctl port del DEV/PORT_INDEX
"#;

/// `cmd_port_function_help`.
pub(crate) const PORT_FUNCTION: &str = r#"Usage: dlctl port function set DEV/PORT_INDEX [ hw_addr ADDR ] [ state STATE ]
       dlctl port function rate { help | show | add | del | set }
"#;

/// `cmd_sb_help`.
pub(crate) const SB: &str = r#"Usage: dlctl sb show [ DEV [ sb SB_INDEX ] ]
       dlctl sb pool show [ DEV [ sb SB_INDEX ] pool POOL_INDEX ]
       dlctl sb pool set DEV [ sb SB_INDEX ] pool POOL_INDEX
                           size POOL_SIZE thtype { static | dynamic }
       dlctl sb port pool show [ DEV/PORT_INDEX [ sb SB_INDEX ]
                                   pool POOL_INDEX ]
       dlctl sb port pool set DEV/PORT_INDEX [ sb SB_INDEX ]
                                pool POOL_INDEX th THRESHOLD
       dlctl sb tc bind show [ DEV/PORT_INDEX [ sb SB_INDEX ] tc TC_INDEX
                                 type { ingress | egress } ]
       dlctl sb tc bind set DEV/PORT_INDEX [ sb SB_INDEX ] tc TC_INDEX
                              type { ingress | egress } pool POOL_INDEX
                              th THRESHOLD
       dlctl sb occupancy show { DEV | DEV/PORT_INDEX } [ sb SB_INDEX ]
       dlctl sb occupancy snapshot DEV [ sb SB_INDEX ]
       dlctl sb occupancy clearmax DEV [ sb SB_INDEX ]
"#;

/// `cmd_dpipe_help`.
pub(crate) const DPIPE: &str = r#"Usage: dlctl dpipe table show DEV [ name TABLE_NAME ]
       dlctl dpipe table set DEV name TABLE_NAME
                               [ counters_enabled { true | false } ]
       dlctl dpipe table dump DEV name TABLE_NAME
       dlctl dpipe header show DEV
"#;

/// `cmd_health_help`.
pub(crate) const HEALTH: &str = r#"Usage: dlctl health show [ { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME ]
       dlctl health recover { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
       dlctl health diagnose { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
       dlctl health test { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
       dlctl health dump show { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
       dlctl health dump clear { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
       dlctl health set { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME
                          [ grace_period MSEC ]
                          [ auto_recover { true | false } ]
                          [ auto_dump    { true | false } ]
"#;

/// `cmd_linecard_help`.
pub(crate) const LC: &str = r#"Usage: dlctl lc show [ DEV [ lc LC_INDEX ] ]
       dlctl lc set DEV lc LC_INDEX [ { type LC_TYPE | notype } ]
"#;

/// `cmd_port_fn_rate_help` (also `dlctl rate …`).
pub(crate) const RATE: &str = r#"Usage: dlctl port function rate help
       dlctl port function rate show [ DEV/{ PORT_INDEX | NODE_NAME } ]
       dlctl port function rate add DEV/NODE_NAME
               [ tx_share VAL ][ tx_max VAL ][ { parent NODE_NAME | noparent } ]
       dlctl port function rate del DEV/NODE_NAME
       dlctl port function rate set DEV/{ PORT_INDEX | NODE_NAME }
               [ tx_share VAL ][ tx_max VAL ][ { parent NODE_NAME | noparent } ]
       VAL - float or integer value in units of bits or bytes per second (bit|bps)
       and SI (k-, m-, g-, t-) or IEC (ki-, mi-, gi-, ti-) case-insensitive prefix.
       Bare number, means bits per second, is possible.
       For details refer to devlink-rate(8) man page.
"#;

/// `cmd_mon_help` (dlctl also takes `param`, `region`, `flash`, `rate`).
pub(crate) const MONITOR: &str = r#"Usage: dlctl monitor [ all | OBJECT-LIST ]
where  OBJECT-LIST := { dev | port | lc | health | trap | trap-group | trap-policer |
                      param | region | flash | rate }
       dlctl --check monitor …   checks the notification order of every object and
                                 exits 1 at the end of the stream if a rule was broken
       dlctl --reconnect monitor …
                                 when the daemon goes away, connects again (20 ms
                                 doubling to 2 s between tries, for ever), re-dumps and
                                 prints what changed as [OBJ,del] and [OBJ,new] events
"#;

/// `cmd_resource_help`.
pub(crate) const RESOURCE: &str = r#"Usage: dlctl resource show DEV
       dlctl resource set DEV path PATH size SIZE
"#;

/// `cmd_region_help`.
pub(crate) const REGION: &str = r#"Usage: dlctl region show [ DEV/REGION ]
       dlctl region del DEV/REGION snapshot SNAPSHOT_ID
       dlctl region new DEV/REGION [ snapshot SNAPSHOT_ID ]
       dlctl region dump DEV/REGION [ snapshot SNAPSHOT_ID ]
       dlctl region read DEV/REGION [ snapshot SNAPSHOT_ID ] address ADDRESS length LENGTH
"#;

/// `cmd_trap_help`.
pub(crate) const TRAP: &str = r#"Usage: dlctl trap set DEV trap TRAP [ action { trap | drop | mirror } ]
       dlctl trap show [ DEV trap TRAP ]
       dlctl trap group set DEV group GROUP [ action { trap | drop | mirror } ]
                              [ policer POLICER ] [ nopolicer ]
       dlctl trap group show [ DEV group GROUP ]
       dlctl trap policer set DEV policer POLICER [ rate RATE ] [ burst BURST ]
       dlctl trap policer show DEV policer POLICER
"#;

/// `help`.
pub(crate) const MAIN: &str = r#"Usage: dlctl [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { dev | port | lc | sb | monitor | resource | region | health | trap | rate }
       OPTIONS := { -V[ersion] | -n[o-nice-names] | -j[son] | -p[retty] | -v[erbose] -s[tatistics] -[he]x |
                   --socket PATH | --check | --reconnect }
       dlctl { decode | sim | snapshot | watch | completions | man } …   (dlctl's own; see dlctl decode --help)
"#;
