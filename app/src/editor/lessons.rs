//! Lessons as a mode of the window: the lesson browser takes the palette's place, the
//! lesson's view (timeline, curve or recovery) the bottom panel's, and the canvas keeps the
//! lesson's pipeline, editable. Each change of the pipeline, or of the rows on the
//! timeline, runs it again.

use egui::{Key, RichText, Ui};
use engine::PipelineSpec;

use super::Editor;
use crate::lesson::curve::CurveRun;
use crate::lesson::recovery::RecoveryRun;
use crate::lesson::{self, LessonAction, LessonView, OpenLesson, SourceRows, TracedRun};

/// The zoom of the whole window with large text on, for a projector.
const LARGE_ZOOM: f32 = 1.3;

impl Editor {
    /// Whether the window is in its lesson mode.
    pub fn in_lessons(&self) -> bool {
        self.lessons.shown
    }

    /// Turns the lesson mode on or off. The lesson open stays open, to go on with later.
    pub fn toggle_lessons(&mut self) {
        self.lessons.shown = !self.lessons.shown;
        if self.lessons.folder.is_none() {
            self.lessons.folder = self.files.examples_dir.as_ref().map(|d| d.join("lessons"));
        }
        self.fit_view();
    }

    /// The lesson open, if one is.
    pub fn open_lesson(&self) -> Option<&OpenLesson> {
        self.lessons.open.as_ref()
    }

    pub fn open_lesson_mut(&mut self) -> Option<&mut OpenLesson> {
        self.lessons.open.as_mut()
    }

    /// Leaves the open lesson, keeping where the learner was for when it opens again.
    pub(super) fn leave_lesson(&mut self) {
        if let Some(open) = self.lessons.open.take() {
            self.lessons
                .left
                .insert(open.path.clone(), open.progress_kept());
        }
    }

    /// Opens the lesson file `path`: its pipeline as an example copy, the list of its steps.
    pub fn start_lesson(&mut self, path: &std::path::Path) {
        if !self.lessons.shown {
            self.toggle_lessons();
        }
        let lesson = match lesson::load(path) {
            Ok(lesson) => lesson,
            Err(message) => {
                self.error = Some(format!("Could not open the lesson.\n\n{message}"));
                return;
            }
        };
        let pipeline = lesson.pipeline_path(path);
        // Opening the pipeline leaves the lesson open before, if any.
        self.open_example(&pipeline);
        let spec = self.spec();
        let missing = lesson.missing_nodes(&spec);
        if !missing.is_empty() {
            self.error = Some(format!(
                "Could not open the lesson.\n\nIts pipeline {} has no node {}.",
                pipeline.display(),
                missing.join(", ")
            ));
            return;
        }
        let mut open = OpenLesson::new(path.to_path_buf(), lesson, spec.clone());
        if let Some(kept) = self.lessons.left.get(path) {
            open.resume(kept);
        }
        open.rows = self.lesson_rows(&open, &spec);
        self.lessons.open = Some(open);
        self.fit_view();
    }

    /// The rows of the lesson's file source, to drag on the timeline (none for a source
    /// that reads no file, a Datagen).
    fn lesson_rows(&mut self, open: &OpenLesson, spec: &PipelineSpec) -> Option<SourceRows> {
        let source = open.lesson.source_at(0)?;
        let is_file = spec
            .nodes
            .iter()
            .any(|n| n.id == source && matches!(n.kind, engine::spec::NodeKind::FileSource(_)));
        if !is_file {
            return None;
        }
        SourceRows::read(spec, &self.base_dir(), source)
            .map_err(|message| {
                if let Some(open) = &mut self.lessons.open {
                    open.rows_error = Some(message);
                }
            })
            .ok()
    }

    /// Puts back the pipeline and the rows the current step's text describes, as an edit.
    fn put_lesson_back(&mut self) {
        let Some(open) = self.open_lesson() else {
            return;
        };
        let spec = engine::PipelineSpec {
            layout: self.spec().layout,
            ..open.pipeline_at(open.step, false)
        };
        self.history.record(self.doc.to_spec());
        self.show_state(&spec);
        let rows = self.open_lesson().and_then(|open| {
            SourceRows::read(&open.original, &self.base_dir(), open.lesson.source_at(0)?).ok()
        });
        if let Some(open) = self.open_lesson_mut() {
            if rows.is_some() {
                open.rows = rows;
            }
            open.rows_changed = true;
        }
    }

    /// The nodes the current step outlines.
    pub(super) fn lesson_highlights(&self) -> &[String] {
        self.open_lesson().map_or(&[], OpenLesson::highlights)
    }

    /// Makes a step's change, as an edit of the canvas (so Undo takes it back).
    pub fn apply_lesson_change(&mut self, change: &lesson::Change) {
        let Some(id) = change.node() else {
            let mut spec = self.spec();
            if change.apply(&mut spec) {
                self.doc.job = spec.job;
                self.focused = None;
            }
            return;
        };
        let Some(node) = self.doc.find(id) else {
            return;
        };
        let mut spec = engine::PipelineSpec {
            nodes: vec![self.doc.snarl[node].clone()],
            ..self.spec()
        };
        if change.apply(&mut spec) {
            self.doc.snarl[node] = spec.nodes.remove(0);
            self.focused = Some(node);
        }
    }

    /// The lesson panel, in the palette's place.
    pub(super) fn lesson_panel(&mut self, ui: &mut Ui) {
        let spec = self.spec();
        let browser = &mut self.lessons;
        browser.as_the_text_says = browser
            .open
            .as_ref()
            .is_none_or(|open| open.is_as_the_text_says(&spec));
        // The window's zoom is the setting, so it is kept as the zoom is, across sessions.
        let was_large = ui.ctx().zoom_factor() >= LARGE_ZOOM - 0.01;
        let mut large = was_large;
        ui.checkbox(&mut large, "Large text")
            .on_hover_text("Everything larger, for a projector");
        if large != was_large {
            // The zoom takes effect on the next frame, which is asked for now, not on the
            // next input; the canvas then fits the pipeline in the space left.
            ui.ctx()
                .set_zoom_factor(if large { LARGE_ZOOM } else { 1.0 });
            ui.ctx().request_repaint();
            self.refit = true;
        }
        let action = egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| browser.ui(ui))
            .inner;
        match action {
            Some(LessonAction::Open(path)) => self.start_lesson(&path),
            Some(LessonAction::Close) => self.leave_lesson(),
            Some(LessonAction::Apply(change)) => self.apply_lesson_change(&change),
            Some(LessonAction::PutBack) => self.put_lesson_back(),
            Some(LessonAction::StepChanged) | None => {}
        }
    }

    /// Runs the lesson's pipeline again when it or its rows changed since the last run.
    pub(super) fn keep_lesson_run(&mut self) {
        let spec = self.spec();
        let base_dir = self.base_dir();
        let Some(open) = self.open_lesson_mut() else {
            return;
        };
        let same_pipeline = |run: &PipelineSpec| {
            run.nodes == spec.nodes && run.edges == spec.edges && run.job == spec.job
        };
        if let LessonView::LatencyCurve {
            batch_sizes,
            seconds,
        } = open.lesson.view.clone()
        {
            let stale = open
                .curve
                .as_ref()
                .is_none_or(|c| !c.is_running() && !same_pipeline(&c.spec));
            if stale {
                if open.curve.is_some() {
                    open.forget_checks();
                }
                open.curve = Some(CurveRun::start(
                    spec.clone(),
                    base_dir,
                    batch_sizes,
                    seconds,
                ));
            }
            return;
        }
        if let LessonView::Recovery { sink } = open.lesson.view.clone() {
            if let Some(run) = &mut open.recovery {
                run.poll();
            }
            let stale = open
                .recovery
                .as_ref()
                .is_none_or(|r| !r.is_running() && !same_pipeline(&r.spec));
            if stale {
                if open.recovery.is_some() {
                    open.forget_checks();
                }
                open.recovery = Some(RecoveryRun::start(spec.clone(), base_dir, sink));
            }
            return;
        }
        let (Some(window), Some(source)) = (
            open.window().map(str::to_string),
            open.lesson.source_at(open.step).map(str::to_string),
        ) else {
            return;
        };
        let edited = open.rows.as_ref().is_some_and(SourceRows::is_edited);
        let same = |run: &TracedRun| {
            run.window == window && run.source == source && same_pipeline(&run.spec)
        };
        if let Some(run) = &mut open.run {
            run.poll();
            if same(run) && !open.rows_changed {
                return;
            }
            if run.is_running() {
                return;
            }
        }
        open.rows_changed = false;
        // Checks of the last run say nothing of the next.
        if open.run.is_some() {
            open.forget_checks();
        }
        let to_run = match (&open.rows, edited) {
            (Some(rows), true) => rows.spec_for_run(&spec),
            _ => Ok(spec.clone()),
        };
        match to_run {
            Ok(to_run) => {
                let mut run = TracedRun::start(to_run, base_dir, source, window);
                // What the canvas shows, to compare with (the run may read an edited copy).
                run.spec = spec;
                open.run = Some(run);
            }
            Err(message) => {
                open.rows_error = Some(message);
            }
        }
    }

    /// The timeline or the measured curve, in the bottom panel's place.
    pub(super) fn lesson_view_panel(&mut self, ui: &mut Ui) {
        ui.set_min_height(ui.available_height());
        let Some(open) = self.open_lesson_mut() else {
            ui.heading("Event-time timeline");
            ui.label("Start a lesson on the left: its run is drawn here, row by row.");
            return;
        };
        if let Some(curve) = &open.curve {
            curve_panel(ui, curve);
        } else if let Some(recovery) = &open.recovery {
            recovery_panel(ui, recovery);
        } else {
            timeline_panel(ui, open);
        }
    }

    /// Lesson keys: Page Down and Page Up move between steps.
    pub(super) fn lesson_shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.text_edit_focused() {
            return;
        }
        let Some(open) = self.open_lesson_mut() else {
            return;
        };
        if ctx.input(|i| i.key_pressed(Key::PageDown)) {
            open.go_to(open.step + 1);
        }
        if ctx.input(|i| i.key_pressed(Key::PageUp)) {
            open.go_to(open.step.saturating_sub(1));
        }
    }
}

/// The timeline of the lesson's last traced run, with its playback controls.
fn timeline_panel(ui: &mut Ui, open: &mut OpenLesson) {
    // Keys go to a focused widget (Space presses a button, arrows move focus) first.
    let typing = ui.ctx().memory(|m| m.focused().is_some());
    let window = open.window().unwrap_or_default().to_string();
    let Some(run) = &open.run else {
        return;
    };
    let running = run.is_running();
    let run_spec = run.spec.clone();
    if running {
        // The run ends on its own thread: look again shortly.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(20));
    }
    let outcome = run.outcome().cloned();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Timeline of {window}")).strong());
        if running {
            ui.spinner();
        }
    });
    let timeline = match outcome {
        Some(Ok(outcome)) => outcome.timeline,
        Some(Err(message)) => {
            let missing = open.lesson.missing_nodes(&run_spec);
            let message = if missing.is_empty() {
                message
            } else {
                format!(
                    "The lesson needs {}: undo (Ctrl+Z) or put back the lesson's pipeline.",
                    missing.join(", ")
                )
            };
            ui.colored_label(ui.visuals().error_fg_color, message);
            return;
        }
        None => return,
    };
    let playback = &mut open.playback;
    playback.step = playback.step.min(timeline.end_step());
    if !typing {
        ui.input(|i| {
            if i.key_pressed(Key::Space) {
                playback.toggle(&timeline);
            }
            if i.key_pressed(Key::ArrowRight) {
                playback.step_forward(&timeline);
            }
            if i.key_pressed(Key::ArrowLeft) {
                playback.step_back();
            }
            if i.key_pressed(Key::End) {
                playback.step = timeline.end_step();
            }
        });
    }
    ui.horizontal(|ui| {
        if ui.button("⏮").on_hover_text("Back to the start").clicked() {
            playback.step = 0;
            playback.playing = false;
        }
        if ui.button("◀").on_hover_text("One row back (←)").clicked() {
            playback.step_back();
        }
        let play = if playback.playing {
            "⏸ Pause"
        } else {
            "▶ Play"
        };
        if ui
            .button(play)
            .on_hover_text("Play the run (Space)")
            .clicked()
        {
            playback.toggle(&timeline);
        }
        if ui.button("▶|").on_hover_text("One row on (→)").clicked() {
            playback.step_forward(&timeline);
        }
        if ui
            .button("⏭")
            .on_hover_text("To the end of input (End)")
            .clicked()
        {
            playback.step = timeline.end_step();
            playback.playing = false;
        }
        ui.add(
            egui::Slider::new(&mut playback.rows_per_second, 0.5..=20.0)
                .logarithmic(true)
                .suffix(" rows/s")
                .text("speed"),
        );
        let rows = timeline.arrivals.len();
        let at = if playback.step >= timeline.end_step() {
            format!("all {rows} rows, then the end of input")
        } else {
            format!("after row {} of {rows}", playback.step)
        };
        ui.label(at);
    });
    let dt = ui.input(|i| i.stable_dt).min(0.1);
    if playback.advance(dt, &timeline) {
        ui.ctx().request_repaint();
    }
    if let Some(message) = &open.rows_error {
        ui.label(RichText::new(message).weak());
    }
    let shown = open.playback.clone();
    let editable = open.rows.is_some();
    let dropped = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            lesson::show_timeline(ui, &timeline, &shown, editable)
        })
        .inner;
    if let (Some(d), Some(rows)) = (dropped, &mut open.rows) {
        rows.set_event_time(d.row, d.event_time);
        rows.move_row(d.row, d.arrival);
        open.rows_changed = true;
    }
}

/// The measured curve of the lesson's pipeline, point by point.
fn curve_panel(ui: &mut Ui, curve: &CurveRun) {
    ui.label(RichText::new("Latency against throughput, measured").strong());
    let points = curve.points();
    let measuring = if curve.is_running() {
        // Measurements end on their own thread: look again shortly.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
        curve.batch_sizes.get(points.len()).copied()
    } else {
        None
    };
    if let Some(error) = curve.error() {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    lesson::show_curve(ui, &points, measuring);
}

/// The run with its failures against the run without, by what the sink's file holds.
fn recovery_panel(ui: &mut Ui, run: &RecoveryRun) {
    ui.label(RichText::new("What the failures did to the output").strong());
    let outcome = match run.outcome() {
        None => {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("running the pipeline without its failure, then with it…");
            });
            return;
        }
        Some(Err(message)) => {
            ui.colored_label(ui.visuals().error_fg_color, message);
            return;
        }
        Some(Ok(outcome)) => outcome,
    };
    let dark = ui.visuals().dark_mode;
    let good = super::theme::running_color(dark);
    let bad = super::theme::error_color(dark);
    egui::Grid::new("recovery figures")
        .striped(true)
        .num_columns(2)
        .show(ui, |ui| {
            let row = |ui: &mut Ui, name: &str, value: String, color: Option<egui::Color32>| {
                ui.label(name);
                match color {
                    Some(c) => ui.colored_label(c, value),
                    None => ui.label(value),
                };
                ui.end_row();
            };
            row(
                ui,
                "rows without the failure",
                outcome.reference.to_string(),
                None,
            );
            row(
                ui,
                "rows in the file after this run",
                outcome.written.to_string(),
                None,
            );
            let count = |n: usize| (n.to_string(), Some(if n == 0 { good } else { bad }));
            let (missing, c) = count(outcome.missing);
            row(ui, "missing", missing, c);
            let (duplicated, c) = count(outcome.duplicated);
            row(ui, "duplicated", duplicated, c);
            row(ui, "restarts", outcome.restarts.to_string(), None);
            row(
                ui,
                "checkpoints completed",
                outcome.checkpoints_completed.to_string(),
                None,
            );
            let ended = match &outcome.failed {
                Some(why) => format!("failed: {why}"),
                None => "finished".to_string(),
            };
            row(ui, "the job", ended, None);
        });
    for (i, failure) in outcome.failures.iter().enumerate() {
        ui.label(RichText::new(format!("attempt {}: {failure}", i + 1)).weak());
    }
}
