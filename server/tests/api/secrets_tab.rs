//! The Secrets tab's server functions as one admin of one workspace calls them, by name:
//! `tab.replace("db_password", 1, "second").await.ok()` instead of a form built by hand.

use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_status, TestApp};

/// One signed-in client on one workspace's Secrets tab.
pub struct SecretsTab<'a> {
    app: &'a TestApp,
    client: &'a Client,
    ws: &'a str,
}

/// A server function's answer, read as the test expects it.
pub struct Reply(Response);

impl Reply {
    /// The body of a 200 answer.
    pub async fn ok(self) -> String {
        expect_status(self.0, StatusCode::OK).await
    }

    /// The body of a 200 answer, as JSON.
    pub async fn json(self) -> Value {
        serde_json::from_str(&self.ok().await).expect("a JSON body")
    }

    /// The body of an answer with this status.
    pub async fn refused(self, status: StatusCode) -> String {
        expect_status(self.0, status).await
    }
}

impl TestApp {
    pub fn secrets_tab<'a>(&'a self, client: &'a Client, ws: &'a str) -> SecretsTab<'a> {
        SecretsTab {
            app: self,
            client,
            ws,
        }
    }
}

impl SecretsTab<'_> {
    async fn call(&self, function: &str, args: &[(&str, &str)]) -> Reply {
        let mut form = vec![("ws", self.ws)];
        form.extend_from_slice(args);
        Reply(self.app.call(self.client, function, &form).await)
    }

    /// A single-value secret, described as "`name` for tests", granted to nobody.
    pub async fn create(&self, name: &str, value: &str) -> Reply {
        Reply(
            self.app
                .create_secret(self.client, self.ws, name, value, &[])
                .await,
        )
    }

    /// A key/value secret.
    pub async fn create_pairs(&self, name: &str, pairs: &[(&str, &str)]) -> Reply {
        Reply(
            self.app
                .create_secret(self.client, self.ws, name, "", pairs)
                .await,
        )
    }

    /// The create form with a description of the caller's choosing.
    pub async fn create_described(&self, name: &str, description: &str, value: &str) -> Reply {
        let args = [
            ("name", name),
            ("description", description),
            ("kind", "single"),
            ("value", value),
        ];
        self.call("secrets/create", &args).await
    }

    /// Changes the description of a secret.
    pub async fn describe(&self, name: &str, description: &str) -> Reply {
        let args = [("name", name), ("description", description)];
        self.call("secrets/describe", &args).await
    }

    /// Replaces the value of a secret last seen at version `base`; answers the new version.
    pub async fn replace(&self, name: &str, base: i64, value: &str) -> Reply {
        let base = base.to_string();
        let args = [
            ("name", name),
            ("base_version", base.as_str()),
            ("kind", "single"),
            ("value", value),
        ];
        self.call("secrets/replace", &args).await
    }

    /// Makes version `version` current again, as a new version on top of `base`.
    pub async fn roll_back(&self, name: &str, version: i64, base: i64) -> Reply {
        let (version, base) = (version.to_string(), base.to_string());
        let args = [
            ("name", name),
            ("version", version.as_str()),
            ("base_version", base.as_str()),
        ];
        self.call("secrets/rollback", &args).await
    }

    /// Grants exactly these agents (by id) access to the secret.
    pub async fn set_access(&self, name: &str, agent_ids: &[&str]) -> Reply {
        let keys: Vec<String> = (0..agent_ids.len())
            .map(|i| format!("agents[{i}]"))
            .collect();
        let mut args = vec![("name", name)];
        args.extend(
            keys.iter()
                .map(String::as_str)
                .zip(agent_ids.iter().copied()),
        );
        self.call("secrets/access", &args).await
    }

    /// Sets the rotation policy: `interval` in days (or `none`), `expires_on` a date or "".
    pub async fn set_policy(&self, name: &str, interval: &str, expires_on: &str) -> Reply {
        let args = [
            ("name", name),
            ("interval", interval),
            ("expires_on", expires_on),
        ];
        self.call("secrets/policy", &args).await
    }

    /// The list page's data; `query` holds extra arguments such as `q` and `page`.
    pub async fn list(&self, query: &[(&str, &str)]) -> Reply {
        self.call("secrets/list", query).await
    }

    pub async fn detail(&self, name: &str) -> Reply {
        self.call("secrets/detail", &[("name", name)]).await
    }

    pub async fn trash(&self) -> Reply {
        self.call("secrets/trash", &[]).await
    }

    pub async fn delete(&self, name: &str) -> Reply {
        self.call("secrets/delete", &[("name", name)]).await
    }

    pub async fn restore(&self, name: &str) -> Reply {
        self.call("secrets/restore", &[("name", name)]).await
    }

    pub async fn purge(&self, name: &str) -> Reply {
        self.call("secrets/purge", &[("name", name)]).await
    }
}
