//! Server functions called from islands by their URL.
//!
//! `ServerAction<S>` and `ActionForm` compile, for every server function `S`, a client, a
//! decoder of the form into `S`, an encoder of `S` and a decoder of its output into the
//! WebAssembly. A [`Call`] sends any server function what a plain HTML form sends (its
//! fields, url-encoded, which the server decodes into the arguments) and decodes only the
//! error type, so that every form of every island shares one code path. An island that needs
//! an output decodes that one type itself ([`Call::output`]).

use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// What the server answered: the server function's output as JSON, or its error.
pub type Reply = Result<String, AppError>;

/// One server function, called with url-encoded arguments.
#[derive(Clone, Copy)]
pub struct Call {
    path: &'static str,
    action: Action<String, Reply>,
    /// The arguments of the latest call, for [`Call::retry`].
    last: StoredValue<Option<String>>,
}

impl Call {
    /// A call to the server function at `path` (its `ServerFn::PATH`). When the page was
    /// loaded after a plain form post to it that failed (the URL's `__path` and `__err`), that
    /// error is its first value, on the server and in the browser alike.
    pub fn new(path: &'static str) -> Self {
        let failed = use_context::<ServerActionError>()
            .filter(|e| e.path() == path)
            .map(|e| Err(ServerFnUrlError::<AppError>::decode_err(e.err())));
        #[cfg(feature = "hydrate")]
        let action =
            Action::new_unsync_with_value(failed, move |body: &String| post(path, body.clone()));
        // On the server nothing is ever dispatched.
        #[cfg(not(feature = "hydrate"))]
        let action = Action::new_with_value(failed, move |_: &String| async move {
            Err(AppError::Transport(format!(
                "{path} is called from the browser"
            )))
        });
        Self {
            path,
            action,
            last: StoredValue::new(None),
        }
    }

    /// The server function's URL: where its form posts without WebAssembly.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Calls the server function with url-encoded arguments (`ws=acme&name=x`).
    pub fn dispatch(&self, body: String) {
        self.last.set_value(Some(body.clone()));
        self.action.dispatch(body);
    }

    /// Calls the server function again with the arguments it was last called with.
    pub fn retry(&self) {
        if let Some(body) = self.last.get_value() {
            self.action.dispatch(body);
        }
    }

    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }

    /// How many calls have completed.
    pub fn version(&self) -> RwSignal<usize> {
        self.action.version()
    }

    /// The latest answer.
    pub fn value(&self) -> MappedSignal<Option<Reply>> {
        self.action.value()
    }

    /// The error of the latest answer, for `FieldError` and `FormError`.
    pub fn error(&self) -> Signal<Option<AppError>> {
        let value = self.action.value();
        Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
    }

    /// The output of the latest answer, if it succeeded, decoded as `T`.
    pub fn output<T: DeserializeOwned>(&self) -> Option<T> {
        self.action.value().with(|v| match v {
            Some(Ok(json)) => serde_json::from_str(json).ok(),
            _ => None,
        })
    }

    /// Whether the latest answer succeeded.
    pub fn succeeded(&self) -> bool {
        self.action.value().with(|v| matches!(v, Some(Ok(_))))
    }
}

/// Runs `then` each time `call` answers with a success (not for the value a page was
/// loaded with).
pub fn after_success(call: Call, then: impl Fn() + 'static) {
    Effect::new(move |seen: Option<usize>| {
        let version = call.version().get();
        if seen.is_some_and(|seen| seen != version) && call.succeeded() {
            then();
        }
        version
    });
}

/// Data a page gave its island, fetched again through the server function at `path` (with
/// url-encoded `args`) each time one of `changes` succeeds: for islands that must not reload
/// the page, since they show a value only once.
pub fn refetched<T>(
    path: &'static str,
    args: String,
    initial: T,
    changes: &[Call],
) -> impl Fn() -> T + Copy + 'static
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let reload = Call::new(path);
    let args = StoredValue::new(args);
    for change in changes {
        after_success(*change, move || reload.dispatch(args.get_value()));
    }
    let initial = StoredValue::new(initial);
    move || reload.output::<T>().unwrap_or_else(|| initial.get_value())
}

/// A form that calls `call` with its fields. Before the WebAssembly has loaded (or without
/// it) it is a plain HTML form post to the same URL, which the server answers with a
/// redirect back to the page.
#[component]
pub fn CallForm(
    call: Call,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        match form_body(&ev) {
            Some(body) => call.dispatch(body),
            None => call.value().set(Some(Err(AppError::Transport(
                "the form could not be read".into(),
            )))),
        }
    };
    view! {
        <form method="post" action=call.path() class=class on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The form's fields, and its submit button's if that has a name, url-encoded.
#[cfg(feature = "hydrate")]
fn form_body(ev: &leptos::ev::SubmitEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let button = ev
        .submitter()
        .and_then(|s| s.dyn_into::<web_sys::HtmlButtonElement>().ok());
    if let Some(button) = button.filter(|b| !b.name().is_empty()) {
        data.append_with_str(&button.name(), &button.value()).ok()?;
    }
    let params = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(params.to_string().into())
}

/// POSTs `body` to the server function at `path`, as its client in `server_fn` does: JSON
/// back, the error type in the body of a failure, and a redirect the server asked for
/// followed by loading that page.
#[cfg(feature = "hydrate")]
async fn post(path: &'static str, body: String) -> Reply {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    let failed = |e: JsValue| {
        AppError::Transport(e.as_string().unwrap_or_else(|| "the request failed".into()))
    };
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(failed)?;
    headers.set("Accept", "application/json").map_err(failed)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str_and_init(path, &init))
        .await
        .map_err(failed)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    if !response.ok() {
        return Err(serde_json::from_str(&text)
            .unwrap_or_else(|_| AppError::from_status(response.status())));
    }
    let redirect = response.headers().has("serverfnredirect").unwrap_or(false);
    if let (true, Ok(Some(location))) = (redirect, response.headers().get("location")) {
        let _ = window().location().set_href(&location);
    }
    Ok(text)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;

    use super::Call;
    use crate::error::AppError;

    /// What the redirect after a failed plain form post puts in the URL.
    fn url_error(path: &str, error: AppError) -> ServerActionError {
        let url = ServerFnUrlError::new(path, error)
            .to_url("http://vault.test/w/acme/secret/k")
            .unwrap();
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.to_string())
                .unwrap()
        };
        ServerActionError::new(&param("__path"), &param("__err"))
    }

    #[test]
    fn a_failed_plain_post_shows_only_in_the_forms_of_its_own_server_function() {
        let owner = Owner::new();
        owner.set();
        let too_long = AppError::Validation {
            field: "description".into(),
            message: "At most 1000 characters.".into(),
        };
        provide_context(url_error("/api/secrets/describe", too_long));
        let own = Call::new("/api/secrets/describe");
        let other = Call::new("/api/secrets/replace");
        assert_eq!(
            own.error()
                .get_untracked()
                .and_then(|e| e.field_message("description")),
            Some("At most 1000 characters.".to_string())
        );
        assert_eq!(other.error().get_untracked(), None);
        assert!(!own.succeeded());
    }

    #[test]
    fn an_answer_is_decoded_as_the_output_the_island_expects() {
        let owner = Owner::new();
        owner.set();
        let call = Call::new("/api/secrets/replace");
        assert_eq!(call.output::<i64>(), None);
        call.value().set(Some(Ok("7".into())));
        assert!(call.succeeded());
        assert_eq!(call.output::<i64>(), Some(7));
        assert_eq!(call.error().get_untracked(), None);
        call.value().set(Some(Err(AppError::ReauthRequired)));
        assert_eq!(call.output::<i64>(), None);
        assert_eq!(call.error().get_untracked(), Some(AppError::ReauthRequired));
    }
}
