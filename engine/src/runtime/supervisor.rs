//! The supervisor: runs a job's attempts one after another. When a task fails, the restart
//! strategy decides: the job fails, or after a delay a new attempt starts from the last
//! completed checkpoint (from the beginning when there is none).

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::attempt::Attempt;
use super::build::{JobDefinition, build_attempt, chaos_for};
use super::job::{JobError, JobShared};
use super::task::{Task, TaskFailure, panic_message};
use crate::checkpoint::{Restore, RestoreFrom, load};
use crate::spec::RestartStrategy;

/// Starts a thread per task. If the system refuses one, the started ones are stopped and
/// joined before the error returns.
pub fn spawn_attempt(
    tasks: Vec<(String, Task)>,
    shared: &Arc<JobShared>,
    attempt: &Arc<Attempt>,
) -> Result<Vec<JoinHandle<()>>, JobError> {
    if let Some(c) = shared.coordinator() {
        c.attempt_started(attempt.number, tasks.len());
    }
    shared.set_current(Some(attempt.clone()));
    let total = tasks.len();
    let mut threads = Vec::with_capacity(total);
    let mut tasks = tasks.into_iter();
    let mut refused = None;
    for (name, task) in tasks.by_ref() {
        let task_attempt = attempt.clone();
        let spawned = std::thread::Builder::new()
            .name(name.chars().filter(|c| !c.is_control()).take(60).collect())
            .spawn(move || run_task(task, &task_attempt));
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    // The tasks not started drop their channels here, so the started ones see their
    // neighbours gone and end; sources see the stop.
    drop(tasks);
    if let Some(e) = refused {
        attempt
            .stop
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let started = threads.len();
        for thread in threads {
            let _ = thread.join();
        }
        return Err(JobError::Start(format!(
            "the system refused to start thread {} of the {total} the job needs \
             ({e}); lower the parallelism or run fewer jobs at once",
            started + 1
        )));
    }
    Ok(threads)
}

/// Runs attempts until one ends without failing, the strategy gives up, or the user stops.
pub fn supervise(
    def: Arc<JobDefinition>,
    shared: Arc<JobShared>,
    mut attempt: Arc<Attempt>,
    mut threads: Vec<JoinHandle<()>>,
) {
    let restored = def
        .options
        .checkpoints
        .as_ref()
        .and_then(|c| c.restore.as_ref().map(Restore::id));
    loop {
        for thread in threads.drain(..) {
            let _ = thread.join();
        }
        let Some(error) = attempt.failure() else {
            break;
        };
        shared.record_failure(&error);
        if let Some(c) = shared.coordinator() {
            c.attempt_ended(false);
        }
        shared.set_current(None);
        let RestartStrategy::FixedDelay { attempts, delay_ms } = def.spec.job.restart else {
            shared.give_up(error);
            break;
        };
        if attempt.number >= attempts || shared.stop_requested() {
            shared.give_up(error);
            break;
        }
        shared.set_restarting(true);
        if !wait_unless_stopped(&shared, Duration::from_millis(delay_ms)) {
            shared.set_restarting(false);
            break;
        }
        let number = attempt.number + 1;
        let next = Arc::new(Attempt::new(number, chaos_for(&def.spec, number)));
        let started = last_checkpoint(&def, &shared, restored).and_then(|restore| {
            let tasks = build_attempt(&def, &shared, &next, restore.as_ref())?;
            spawn_attempt(tasks, &shared, &next)
        });
        shared.set_restarting(false);
        match started {
            Ok(running) => {
                attempt = next;
                threads = running;
            }
            Err(e) => {
                shared.record_failure(&e);
                shared.give_up(e);
                break;
            }
        }
    }
    if let Some(c) = shared.coordinator() {
        c.attempt_ended(true);
    }
    shared.set_current(None);
    shared.job_ended();
}

/// The checkpoint a restart goes back to: the newest this run completed, else the one it
/// started from, else none (the job starts over).
fn last_checkpoint(
    def: &JobDefinition,
    shared: &JobShared,
    restored: Option<u64>,
) -> Result<Option<Restore>, JobError> {
    let Some(c) = shared.coordinator() else {
        return Ok(None);
    };
    let id = c.completed();
    if id == 0 {
        return Ok(None);
    }
    if Some(id) == restored
        && let Some(restore) = def
            .options
            .checkpoints
            .as_ref()
            .and_then(|o| o.restore.clone())
    {
        return Ok(Some(restore));
    }
    load(c.dir(), &RestoreFrom::Id(id))
        .map(Some)
        .map_err(|e| JobError::Start(format!("cannot restart from checkpoint {id}: {e}")))
}

/// Sleeps `delay` unless the user stops the job first; returns whether to go on.
fn wait_unless_stopped(shared: &JobShared, delay: Duration) -> bool {
    let until = Instant::now() + delay;
    while Instant::now() < until {
        if shared.stop_requested() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
    }
    !shared.stop_requested()
}

fn run_task(task: Task, attempt: &Attempt) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.run()));
    match result {
        Ok(Ok(())) | Ok(Err(TaskFailure::Disconnected)) => {}
        Ok(Err(TaskFailure::Failed { node, message })) => {
            attempt.fail(JobError::Failed { node, message })
        }
        Err(panic) => {
            let what = panic_message(panic.as_ref());
            let node = std::thread::current().name().unwrap_or("task").to_string();
            attempt.fail(JobError::Failed {
                node,
                message: format!("internal error: {what}"),
            });
        }
    }
}
