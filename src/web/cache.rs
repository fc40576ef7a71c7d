//! Pages are rendered at most once per path in each 5-second slice (as standings are shared),
//! and carry an ETag: a reader whose copy is current gets 304 without a body. A page is at
//! most one slice old, so a change (pages turned off included) shows within 5 seconds.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;

/// Seconds in a slice.
const SLICE: i64 = 5;
/// Pages held at most (each a few KiB to a few tens of KiB).
const HELD: u64 = 2_000;
/// The largest page body read back for the cache.
const MAX_PAGE: usize = 4 * 1024 * 1024;

#[derive(Clone)]
struct Page {
    etag: HeaderValue,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

#[derive(Clone)]
pub struct Pages {
    app: Arc<App>,
    held: moka::future::Cache<(String, i64), Page>,
}

impl Pages {
    pub fn new(app: Arc<App>) -> Self {
        Self {
            app,
            held: moka::future::Cache::builder()
                .max_capacity(HELD)
                .time_to_live(Duration::from_secs(2 * SLICE as u64))
                .build(),
        }
    }
}

pub async fn cached(State(pages): State<Pages>, request: Request, next: Next) -> Response {
    let slice = pages.app.clock.now().timestamp().div_euclid(SLICE);
    let key = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_string());
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    // Only a successful page is kept; anything else goes out as it came, every time.
    let mut passed: Option<Response> = None;
    let page = pages
        .held
        .optionally_get_with((key, slice), async {
            let response = next.run(request).await;
            if response.status() != StatusCode::OK {
                passed = Some(response);
                return None;
            }
            let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
            let body = to_bytes(response.into_body(), MAX_PAGE).await.ok()?;
            Some(Page {
                etag: etag(&body),
                content_type,
                body,
            })
        })
        .await;
    if let Some(response) = passed {
        return response;
    }
    let Some(page) = page else {
        // Waited on another request for the same page, which was not found.
        return super::not_found().await;
    };
    let fresh = asked.is_some_and(|tag| tag == page.etag);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(page.body.clone()))
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, page.etag.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=5"),
    );
    if let (false, Some(content_type)) = (fresh, page.content_type) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    response
}

fn etag(body: &[u8]) -> HeaderValue {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}
