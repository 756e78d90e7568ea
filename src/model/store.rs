//! The model's state: every taskProcessingResult with its place in the tree (S1), and the
//! configured tokens (F2). The tree never changes; only results' values do, so clones share it.

use crate::contract::path::{Route, RouteRef};
use crate::contract::spec::{ProcessingStatus, TaskProcessingResult};
use crate::model::fixture::{Fixture, Run, UserResult, Workflow};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tokens the service knows (F2): write tokens may PATCH and GET, read-only tokens only GET.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tokens {
    /// Tokens with `LifecycleWorkflows.ReadWrite.All`.
    pub write: Vec<String>,
    /// Tokens with a read permission only.
    pub read_only: Vec<String>,
}

impl Tokens {
    /// One write token and optionally one read-only token.
    pub fn new(write: &str, read_only: Option<&str>) -> Tokens {
        Tokens {
            write: vec![write.to_string()],
            read_only: read_only.map(|r| vec![r.to_string()]).unwrap_or_default(),
        }
    }
}

/// Where a result sits: `{w}/{r}/{u}` and the task it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Workflow id.
    pub workflow: String,
    /// Run id.
    pub run: String,
    /// User processing result id.
    pub user_result: String,
    /// Task id.
    pub task: String,
}

/// A stored result and its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Where it is.
    pub location: Arc<Location>,
    /// Its current value.
    pub value: TaskProcessingResult,
}

/// The route to `id` through the task of result `t0`, stored as `e` (R2).
fn via_task(t0: &str, e: &Entity, id: &str) -> Route {
    let l = &e.location;
    Route::via_task(&l.workflow, &l.run, &l.user_result, t0, id)
}

/// The model's store. `PartialEq` compares every entity: S3 is `before == after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    entities: BTreeMap<String, Entity>,
    tokens: Arc<Tokens>,
}

impl Store {
    /// A store holding `fixture`'s results, answering to `tokens`.
    pub fn new(fixture: &Fixture, tokens: Tokens) -> Store {
        let mut entities = BTreeMap::new();
        for w in &fixture.workflows {
            for r in &w.runs {
                for u in &r.user_results {
                    for (task, t) in &u.results {
                        let location = Arc::new(Location {
                            workflow: w.id.clone(),
                            run: r.id.clone(),
                            user_result: u.id.clone(),
                            task: task.clone(),
                        });
                        entities.insert(
                            t.id.clone(),
                            Entity {
                                location,
                                value: t.clone(),
                            },
                        );
                    }
                }
            }
        }
        Store {
            entities,
            tokens: Arc::new(tokens),
        }
    }

    /// The configured tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// The result with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities.get(id)
    }

    /// The `processingStatus` the result `id` holds, when there is one (and it exists).
    pub fn status_of(&self, id: Option<&str>) -> Option<ProcessingStatus> {
        id.and_then(|id| self.get(id)).map(|e| e.value.status)
    }

    /// Every result, by id.
    pub fn entities(&self) -> impl Iterator<Item = (&String, &Entity)> {
        self.entities.iter()
    }

    /// Number of results.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the store holds no result.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Replaces the value of a stored result (the runner re-syncs its copy from an observation
    /// after a finding, so one bug does not cascade into many). Returns false if unknown.
    pub fn set_value(&mut self, id: &str, value: TaskProcessingResult) -> bool {
        match self.entities.get_mut(id) {
            Some(e) => {
                e.value = value;
                true
            }
            None => false,
        }
    }

    /// Removes a result (the runner retires an entity whose state it can no longer predict).
    pub fn remove(&mut self, id: &str) -> bool {
        self.entities.remove(id).is_some()
    }

    pub(crate) fn value_mut(&mut self, id: &str) -> Option<&mut TaskProcessingResult> {
        self.entities.get_mut(id).map(|e| &mut e.value)
    }

    /// S1 and R2: the id of the entity `route` addresses, if it exists.
    pub fn resolve(&self, route: &Route) -> Option<&str> {
        self.resolve_ref(&route.as_ref())
    }

    /// As [`Store::resolve`] for a borrowed route (what the model parses).
    pub(crate) fn resolve_ref(&self, route: &RouteRef<'_>) -> Option<&str> {
        let e = self.entities.get(route.result.as_ref())?;
        let l = &e.location;
        if l.workflow != route.workflow || l.run != route.run || l.user_result != route.user_result
        {
            return None;
        }
        match &route.via_task {
            None => Some(&e.value.id),
            Some(t) => {
                let target = self.entities.get(t.as_ref())?;
                (target.location.workflow == l.workflow && target.location.task == l.task)
                    .then_some(target.value.id.as_str())
            }
        }
    }

    /// The direct route of a stored result.
    pub fn direct_route(&self, id: &str) -> Option<Route> {
        let l = &self.entities.get(id)?.location;
        Some(Route::direct(&l.workflow, &l.run, &l.user_result, id))
    }

    /// Every via-task route that addresses `id` (R2): through any result of the same task in the
    /// same workflow, itself included.
    pub fn via_task_routes(&self, id: &str) -> Vec<Route> {
        self.via_task_entities(id)
            .map(|(t0, e)| via_task(t0, e, id))
            .collect()
    }

    /// The via-task route number `n` (modulo their count) of [`Store::via_task_routes`],
    /// without building the others; `None` when `id` is absent.
    pub fn via_task_route(&self, id: &str, n: usize) -> Option<Route> {
        let count = self.via_task_entities(id).count();
        let (t0, e) = self.via_task_entities(id).nth(n.checked_rem(count)?)?;
        Some(via_task(t0, e, id))
    }

    /// The entities through whose task `id` can be addressed (same workflow, same task).
    fn via_task_entities<'a>(&'a self, id: &str) -> impl Iterator<Item = (&'a String, &'a Entity)> {
        let target = self.entities.get(id).map(|t| &t.location);
        self.entities.iter().filter(move |(_, e)| {
            target.is_some_and(|t| e.location.workflow == t.workflow && e.location.task == t.task)
        })
    }

    /// The store as a fixture again (e.g. to seed an implementation with the current state).
    pub(crate) fn to_fixture(&self) -> Fixture {
        let mut workflows: Vec<Workflow> = Vec::new();
        for e in self.entities.values() {
            let l = &e.location;
            let w = match workflows.iter().position(|w| w.id == l.workflow) {
                Some(i) => &mut workflows[i],
                None => {
                    workflows.push(Workflow {
                        id: l.workflow.clone(),
                        tasks: vec![],
                        runs: vec![],
                    });
                    workflows.last_mut().expect("just pushed")
                }
            };
            if !w.tasks.contains(&l.task) {
                w.tasks.push(l.task.clone());
            }
            let r = match w.runs.iter().position(|r| r.id == l.run) {
                Some(i) => &mut w.runs[i],
                None => {
                    w.runs.push(Run {
                        id: l.run.clone(),
                        user_results: vec![],
                    });
                    w.runs.last_mut().expect("just pushed")
                }
            };
            let u = match r.user_results.iter().position(|u| u.id == l.user_result) {
                Some(i) => &mut r.user_results[i],
                None => {
                    r.user_results.push(UserResult {
                        id: l.user_result.clone(),
                        results: vec![],
                    });
                    r.user_results.last_mut().expect("just pushed")
                }
            };
            u.results.push((l.task.clone(), e.value.clone()));
        }
        Fixture { workflows }
    }
}
