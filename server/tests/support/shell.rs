//! The test process's operator shell (the `vault` command's rights), claimed once and shared
//! by every test of the binary that includes this file.

use std::sync::OnceLock;

use app::domain::identity::shell::Shell;

pub fn shell() -> &'static Shell {
    static SHELL: OnceLock<Shell> = OnceLock::new();
    SHELL.get_or_init(|| Shell::claim().expect("the test process claims its shell once"))
}
