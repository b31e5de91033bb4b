//! Whether the servers of transport nodes answer, asked off the UI thread: a ping may wait
//! for its timeout, and validation runs on every edit. The answer comes back as warnings on
//! the nodes, merged into the next analysis. An analysis asks again when the servers changed
//! or the last answer is a few seconds old (a server may have been started meanwhile),
//! keeping that answer on show until the new one is in; nothing is asked while a field is
//! being typed in, so a URL typed letter by letter is asked about once. Servers are asked
//! again every few seconds without an edit too, so a warning comes when a server stops and
//! goes when it is started.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::validate::{PROBE_TIMEOUT, Problem, check_servers};

type Answer = (Vec<(String, String)>, Vec<Problem>);

/// An answer younger than this is not asked again for an analysis of the same servers.
const ANSWER_KEPT: Duration = Duration::from_secs(3);

#[derive(Default)]
pub struct ServerProbe {
    /// Node ids and URLs of the pipeline's transport nodes.
    wanted: Vec<(String, String)>,
    /// The warnings last answered for `wanted`.
    known: Vec<Problem>,
    /// An analysis wants a new answer.
    stale: bool,
    /// When the last answer came in.
    answered: Option<Instant>,
    /// A question is out; its answer lands in `answer`.
    asking: bool,
    answer: Arc<Mutex<Option<Answer>>>,
}

impl ServerProbe {
    /// The pipeline's servers now; the warnings known for them (none until asked).
    pub fn want(&mut self, urls: Vec<(String, String)>) -> Vec<Problem> {
        if urls != self.wanted {
            self.wanted = urls;
            self.known.clear();
            self.stale = true;
        } else if self.answered.is_none_or(|at| at.elapsed() >= ANSWER_KEPT) {
            self.stale = true;
        }
        self.stale &= !self.wanted.is_empty();
        self.known.clone()
    }

    /// Takes in an answer and, unless the user is `typing`, asks again if an analysis
    /// wants it, in a thread that repaints `ctx` when done. True when an answer changed the
    /// warnings.
    pub fn poll(&mut self, ctx: &egui::Context, typing: bool) -> bool {
        let mut changed = false;
        let answer = self.answer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((asked, problems)) = answer {
            self.asking = false;
            self.answered = Some(Instant::now());
            if asked == self.wanted && problems != self.known {
                self.known = problems;
                changed = true;
            }
        }
        // Servers come and go without an edit: their answer is renewed every few seconds.
        if !self.wanted.is_empty() && !self.asking {
            let age = self.answered.map_or(ANSWER_KEPT, |at| at.elapsed());
            if age >= ANSWER_KEPT {
                self.stale = true;
            } else {
                ctx.request_repaint_after(ANSWER_KEPT - age);
            }
        }
        if self.stale && !self.asking && !typing {
            self.stale = false;
            self.asking = true;
            let urls = self.wanted.clone();
            let answer = self.answer.clone();
            let shown = self.known.clone();
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let problems = check_servers(&urls, PROBE_TIMEOUT);
                // The same answer as on show changes nothing: no frame is drawn for it now,
                // only one later that asks again.
                let news = problems != shown;
                *answer.lock().unwrap_or_else(|e| e.into_inner()) = Some((urls, problems));
                if news {
                    ctx.request_repaint();
                } else {
                    ctx.request_repaint_after(ANSWER_KEPT);
                }
            });
        }
        changed
    }
}
