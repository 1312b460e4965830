//! The script that makes a page's islands interactive, in place of Leptos's
//! `HydrationScripts`. The difference: a page without islands (the Secrets list, the audit
//! log, the overview) loads no WebAssembly at all, and nothing is preloaded in `<head>`,
//! which would fetch the module on every page.

use std::sync::OnceLock;

use leptos::prelude::*;

/// Loads the module only if the page has an island, hydrates each island, then marks the
/// page interactive (`body[data-hydrated]`, which the browser tests and benchmarks wait
/// for). Islands here are never nested and never take server-rendered children.
const LOADER: &str = r#"((pkg, js, wasm) => {
  const start = () => {
    const islands = document.querySelectorAll("leptos-island");
    const ready = () => document.body.setAttribute("data-hydrated", "true");
    if (islands.length === 0) return ready();
    // The module and its WebAssembly are fetched side by side.
    const code = fetch(`${pkg}/${wasm}`);
    import(`${pkg}/${js}`)
      .then((mod) => mod.default({ module_or_path: code }).then(() => {
        mod.hydrate();
        for (const island of islands) {
          const hydrate = mod[island.dataset.component];
          if (hydrate) hydrate(island);
          else console.warn(`no WebAssembly function for the island ${island.dataset.component}`);
        }
        setTimeout(ready, 0);
      }));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})"#;

#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` does in islands mode: only islands are hydrated, so the rest of
    // the page needs no hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = file_names(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <script type="module" nonce=nonce>{format!("{LOADER}({pkg:?}, {js:?}, {wasm:?});")}</script>
    }
}

/// The JavaScript and WebAssembly file names: with `hash-files`, cargo-leptos writes their
/// hashes to the hash file beside the executable.
fn file_names(options: &LeptosOptions) -> (&'static str, &'static str) {
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| {
        let name = options.output_name.to_string();
        let hashes = options
            .hash_files
            .then(|| {
                let path = std::env::current_exe()
                    .ok()?
                    .parent()?
                    .join(options.hash_file.as_ref());
                std::fs::read_to_string(path).ok()
            })
            .flatten()
            .unwrap_or_default();
        let hash = |kind: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| format!(".{}", hash.trim()))
            })
        };
        match (hash("js"), hash("wasm")) {
            (Some(js), Some(wasm)) => (format!("{name}{js}.js"), format!("{name}{wasm}.wasm")),
            _ if std::option_env!("LEPTOS_OUTPUT_NAME").is_none() => {
                (format!("{name}.js"), format!("{name}_bg.wasm"))
            }
            _ => (format!("{name}.js"), format!("{name}.wasm")),
        }
    });
    (js, wasm)
}
