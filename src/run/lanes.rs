//! Units of parallel work: the fixture split by workflow. A result travels with its siblings
//! and with the other results of its task (which are all in one workflow), so S6 and R2 stay
//! inside one workflow, and a workflow's state is touched by its own lane only.

use crate::model::fixture::Fixture;
use crate::model::store::Store;

/// `store` split into one store per workflow, in the store's order.
pub fn workflows(store: &Store) -> Vec<Store> {
    let fixture = store.to_fixture();
    fixture
        .workflows
        .into_iter()
        .map(|w| Store::new(&Fixture { workflows: vec![w] }, store.tokens().clone()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Which workflows lane `lane` of `lanes` runs.
pub fn workflows_of_lane(
    lane: usize,
    lanes: usize,
    workflows: usize,
) -> impl Iterator<Item = usize> {
    (lane..workflows).step_by(lanes.max(1))
}
