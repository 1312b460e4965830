//! Mail the server sends: invitation links, only when an operator configured SMTP
//! (`smtp_url`). One queue and one worker task per server: a page never waits for the mail
//! server, and a mail that cannot be sent is logged (never with its link) while the page has
//! already shown the link to the admin, who can send it another way.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;

use crate::model::Role;

/// Mails waiting for the worker; past this many, a new one is dropped (and logged).
const QUEUE: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("smtp_url is not a valid SMTP URL (smtp://host:port, smtps://..., or ?tls=required)")]
    Url,
    #[error("smtp_from {0:?} is not a mailbox like \"Secrets Vault <vault@example.com>\"")]
    From(String),
}

/// An invitation to mail.
pub struct InvitationMail {
    pub to: String,
    pub workspace: String,
    pub inviter: String,
    pub role: Role,
    pub link: SecretString,
    /// When the link expires, for the text (`YYYY-MM-DD HH:MM UTC`).
    pub expires: String,
}

/// Where mails are queued for the worker; cloned into the state.
#[derive(Clone)]
pub struct Mailer {
    queue: mpsc::Sender<InvitationMail>,
}

impl Mailer {
    /// Checks the settings and starts the worker (on the current Tokio runtime). The worker
    /// ends when the last `Mailer` is dropped.
    pub fn spawn(smtp_url: &SecretString, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url.expose_secret())
            .map_err(|_| MailError::Url)?
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::From(from.to_string()))?;
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(deliver(transport, from, waiting));
        Ok(Self { queue })
    }

    /// Queues an invitation's mail; false when the queue is full (then it is not sent).
    pub fn invitation(&self, mail: InvitationMail) -> bool {
        match self.queue.try_send(mail) {
            Ok(()) => true,
            Err(_) => {
                tracing::warn!("invitation mail not sent: the mail queue is full");
                false
            }
        }
    }
}

async fn deliver(
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    mut waiting: mpsc::Receiver<InvitationMail>,
) {
    while let Some(mail) = waiting.recv().await {
        let message = match message(&from, &mail) {
            Ok(message) => message,
            Err(e) => {
                tracing::warn!(error = %e, "invitation mail not sent: it could not be built");
                continue;
            }
        };
        match transport.send(message).await {
            Ok(_) => tracing::info!("invitation mail sent"),
            // The error is the mail server's answer or a connection failure: never the link.
            Err(e) => tracing::warn!(error = %e, "invitation mail not sent"),
        }
    }
}

fn message(from: &Mailbox, mail: &InvitationMail) -> Result<Message, lettre::error::Error> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| lettre::error::Error::MissingTo)?;
    let role = match mail.role {
        Role::Admin => "an admin",
        Role::Member => "a member",
    };
    let text = format!(
        "{inviter} invited you to join {workspace} on Secrets Vault as {role}.\r\n\r\n\
         Open this link to accept. It works once, until {expires}:\r\n\r\n\
         {link}\r\n\r\n\
         If you did not expect this invitation, ignore this message.\r\n",
        inviter = mail.inviter,
        workspace = mail.workspace,
        expires = mail.expires,
        link = mail.link.expose_secret(),
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(format!("Join {} on Secrets Vault", mail.workspace))
        .body(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_mail_names_the_workspace_and_role_and_carries_the_link() {
        let from: Mailbox = "Secrets Vault <vault@example.com>".parse().unwrap();
        let mail = InvitationMail {
            to: "ada@example.com".into(),
            workspace: "Acme Inc".into(),
            inviter: "admin@acme.test".into(),
            role: Role::Member,
            link: SecretString::from("https://vault.example.com/invite/abc"),
            expires: "2027-01-08 10:00 UTC".into(),
        };
        let text = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();
        assert!(
            text.contains("Subject: Join Acme Inc on Secrets Vault"),
            "{text}"
        );
        assert!(text.contains("To: ada@example.com"), "{text}");
        assert!(
            text.contains("https://vault.example.com/invite/abc"),
            "{text}"
        );
        assert!(text.contains("as a member"), "{text}");
    }

    #[test]
    fn bad_settings_are_refused_before_anything_is_sent() {
        let url = SecretString::from("http://not-smtp.example.com");
        assert!(matches!(
            Mailer::spawn(&url, "vault@example.com"),
            Err(MailError::Url)
        ));
    }
}
