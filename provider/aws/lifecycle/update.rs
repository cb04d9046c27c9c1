//! Update: every recorded child brought in place to its new definition, a loop over the kind
//! registry in dependency order (each kind decides what changed and makes its calls).

use std::sync::{Arc, Mutex};

use crate::aws::clients::Clients;
use crate::aws::kind::{self, Cx, Listed, SharedIds, lock};
use crate::service::expand::{ChildKey, Expansion};
use crate::service::state::{ChildIds, Colour};

use super::{ChildError, child_error};

/// Brings every recorded child in place to its definition in `new` (`old` is the expansion it
/// was last brought to), one child at a time in dependency order: each kind decides what
/// changed and makes its calls ([`ChildKind::update`](kind::ChildKind::update)). Children
/// `new` no longer has are [`delete_dropped`](super::delete_dropped)'s.
pub async fn update_in_place(
    c: &Clients,
    old: &Expansion,
    new: &Expansion,
    ids: &mut ChildIds,
    live: Colour,
) -> Vec<ChildError> {
    let shared: SharedIds = Arc::new(Mutex::new(ids.clone()));
    let cx = Cx {
        c,
        exp: new,
        ids: &shared,
        live,
        listed: &Listed::NONE,
    };
    let mut out = Vec::new();
    for key in ChildKey::ALL {
        if !lock(&shared).has(key) {
            continue;
        }
        if let Err(p) = kind::of(key).update(&cx, key, old).await {
            out.push(child_error(new, "updating", key, p));
        }
    }
    *ids = lock(&shared).clone();
    out
}
