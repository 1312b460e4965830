use leptos::prelude::*;

use crate::error::AppError;

/// Moves a secret to the trash and returns to the list.
#[server(endpoint = "secrets/delete")]
pub async fn delete_secret(ws: String, name: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::trash;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        trash::delete(&state.pool, &gate, &name).await?;
        leptos_axum::redirect(&format!("/w/{ws}/secrets/trash"));
        Ok(())
    })
    .await
}

#[server(endpoint = "secrets/restore")]
pub async fn restore_secret(ws: String, name: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::trash;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(trash::restore(&state.pool, &gate, &name).await?)
    })
    .await
}

/// Deletes a trashed secret forever.
#[server(endpoint = "secrets/purge")]
pub async fn purge_secret(ws: String, name: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::trash;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        ctx::recently_verified(&state).await?;
        Ok(trash::purge(&state.pool, &gate, &name).await?)
    })
    .await
}
