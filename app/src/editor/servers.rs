//! Whether the servers of transport nodes answer, asked off the UI thread: a ping may wait
//! for its timeout, and validation runs on every edit. The answer comes back as warnings on
//! the nodes, merged into the next analysis. Each analysis asks again (a server may have
//! been started meanwhile), keeping the last answer on show until the new one is in.

use std::sync::{Arc, Mutex};

use engine::validate::{PROBE_TIMEOUT, Problem, check_servers};

type Answer = (Vec<(String, String)>, Vec<Problem>);

#[derive(Default)]
pub struct ServerProbe {
    /// Node ids and URLs of the pipeline's transport nodes.
    wanted: Vec<(String, String)>,
    /// The warnings last answered for `wanted`.
    known: Vec<Problem>,
    /// The analysis asked again since the last question went out.
    stale: bool,
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
        }
        self.stale = !self.wanted.is_empty();
        self.known.clone()
    }

    /// Takes in an answer and asks again if the analysis wants it, in a thread that
    /// repaints `ctx` when done. True when an answer changed the warnings.
    pub fn poll(&mut self, ctx: &egui::Context) -> bool {
        let mut changed = false;
        let answer = self.answer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((asked, problems)) = answer {
            self.asking = false;
            if asked == self.wanted && problems != self.known {
                self.known = problems;
                changed = true;
            }
        }
        if self.stale && !self.asking {
            self.stale = false;
            self.asking = true;
            let urls = self.wanted.clone();
            let answer = self.answer.clone();
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let problems = check_servers(&urls, PROBE_TIMEOUT);
                *answer.lock().unwrap_or_else(|e| e.into_inner()) = Some((urls, problems));
                ctx.request_repaint();
            });
        }
        changed
    }
}
