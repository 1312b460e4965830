use leptos::prelude::*;

use crate::error::AppError;
use crate::model::secrets::{GrantChange, GrantMatrix};

#[server(endpoint = "secrets/matrix")]
pub async fn load_grant_matrix(
    ws: String,
    sq: Option<String>,
    aq: Option<String>,
    page: Option<i64>,
    apage: Option<i64>,
) -> Result<GrantMatrix, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::matrix;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let (sq, aq) = (sq.unwrap_or_default(), aq.unwrap_or_default());
        Ok(matrix::matrix(
            &state.pool,
            &gate,
            &sq,
            &aq,
            page.unwrap_or(0),
            apage.unwrap_or(0),
        )
        .await?)
    })
    .await
}

/// Applies the matrix's pending changes in one transaction. Returns (granted, revoked) counts.
#[server(endpoint = "secrets/apply_matrix")]
pub async fn apply_grants(
    ws: String,
    changes: Option<Vec<GrantChange>>,
) -> Result<(usize, usize), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::matrix;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(matrix::apply(&state.pool, &gate, &changes.unwrap_or_default()).await?)
    })
    .await
}
