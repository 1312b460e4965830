//! Adding and removing a passkey: audited like every change to a second factor (the platform
//! trail, the trail of each workspace of the account, its webhooks).

use webauthn_rs::prelude::Passkey;

use crate::domain::db::{begin_write, Pool};
use crate::domain::identity::access::SignedIn;
use crate::domain::identity::passkeys::store;
use crate::domain::DomainError;

use super::second_factor::record;

/// Stores the passkey `who` just registered, under the name they gave it.
pub async fn add(
    pool: &Pool,
    who: &SignedIn,
    name: &str,
    key: &Passkey,
) -> Result<(), DomainError> {
    let user = who.user();
    let mut tx = begin_write(pool).await?;
    store::insert(&mut tx, user.id, name, key).await?;
    let what = format!("a passkey named {name:?}");
    record(&mut tx, user, &user.email, "2fa.enrol", &what).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes passkey `id` of `who`.
pub async fn remove(pool: &Pool, who: &SignedIn, id: i64) -> Result<(), DomainError> {
    let user = who.user();
    let mut tx = begin_write(pool).await?;
    let name = store::remove(&mut tx, user.id, id)
        .await?
        .ok_or(DomainError::NotFound("passkey"))?;
    let what = format!("the passkey named {name:?}");
    record(&mut tx, user, &user.email, "2fa.remove", &what).await?;
    tx.commit().await?;
    Ok(())
}
