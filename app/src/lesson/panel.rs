//! The lesson browser beside the canvas: the list of lessons, then one lesson's steps with
//! their text, the change to try and the question, checked against the run.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::answer::{Check, Evidence};
use super::curve::CurveRun;
use super::run::TracedRun;
use super::timeline_view::Playback;
use super::{Change, Lesson, SourceRows};

/// What the browser asks the window to do.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    Open(PathBuf),
    /// Back to the list.
    Close,
    Apply(Change),
    /// Back to the pipeline and rows the current step's text describes.
    PutBack,
    /// The step shown changed (its highlights and window may differ).
    StepChanged,
}

/// The lesson open in the browser, with the learner's progress.
pub struct OpenLesson {
    pub path: PathBuf,
    pub lesson: Lesson,
    /// The pipeline as the lesson's file gives it.
    pub original: engine::PipelineSpec,
    pub step: usize,
    /// The answer typed or picked at each step, and its check.
    pub answers: Vec<String>,
    pub checks: Vec<Option<Check>>,
    pub shown_answer: Vec<bool>,
    /// Questions answered right once, whatever the runs since.
    pub solved: Vec<bool>,
    /// The last traced run of the canvas's pipeline (a lesson with a timeline).
    pub run: Option<TracedRun>,
    /// The last measurements of the canvas's pipeline (a lesson with a latency curve).
    pub curve: Option<CurveRun>,
    /// The last runs of the canvas's pipeline with and without its failures.
    pub recovery: Option<super::recovery::RecoveryRun>,
    pub playback: Playback,
    /// The source's rows, as the learner edited them on the timeline.
    pub rows: Option<SourceRows>,
    /// Why the rows cannot be edited, if they cannot.
    pub rows_error: Option<String>,
    /// The learner moved a row since the last run started.
    pub rows_changed: bool,
}

impl OpenLesson {
    pub fn new(path: PathBuf, lesson: Lesson, original: engine::PipelineSpec) -> Self {
        let steps = lesson.steps.len();
        OpenLesson {
            path,
            lesson,
            original,
            step: 0,
            answers: vec![String::new(); steps],
            checks: vec![None; steps],
            shown_answer: vec![false; steps],
            solved: vec![false; steps],
            run: None,
            curve: None,
            recovery: None,
            playback: Playback::default(),
            rows: None,
            rows_error: None,
            rows_changed: false,
        }
    }

    /// The window the timeline shows now, if the lesson has a timeline.
    pub fn window(&self) -> Option<&str> {
        self.lesson.window_at(self.step)
    }

    /// The pipeline the text of step `step` speaks of: the lesson's, with the changes of
    /// the steps before it (and of this one, with `this_one`).
    pub fn pipeline_at(&self, step: usize, this_one: bool) -> engine::PipelineSpec {
        let mut spec = self.original.clone();
        let upto = if this_one { step + 1 } else { step };
        for s in self.lesson.steps.iter().take(upto) {
            if let Some(t) = &s.try_it {
                t.change.apply(&mut spec);
            }
        }
        spec
    }

    /// Whether `spec` (the canvas) and the rows are what the current step's text describes.
    pub fn is_as_the_text_says(&self, spec: &engine::PipelineSpec) -> bool {
        let same = |other: &engine::PipelineSpec| {
            other.nodes == spec.nodes && other.edges == spec.edges && other.job == spec.job
        };
        let rows_kept = !self.rows.as_ref().is_some_and(SourceRows::is_edited);
        rows_kept
            && (same(&self.pipeline_at(self.step, true))
                || same(&self.pipeline_at(self.step, false)))
    }

    /// Forgets the checks: the run they were made against has been replaced.
    pub fn forget_checks(&mut self) {
        self.checks.iter_mut().for_each(|c| *c = None);
        self.shown_answer.iter_mut().for_each(|s| *s = false);
    }

    /// Calls `f` with what the last run shows, if it has ended (or, for a curve, measured
    /// a point).
    pub fn with_evidence<R>(&self, f: impl FnOnce(Evidence) -> R) -> Option<R> {
        if let Some(timeline) = self.run.as_ref().and_then(TracedRun::timeline) {
            return Some(f(Evidence::Timeline(timeline)));
        }
        if let Some(Ok(outcome)) = self.recovery.as_ref().and_then(|r| r.outcome()) {
            return Some(f(Evidence::Recovery(outcome)));
        }
        let curve = self.curve.as_ref()?;
        if curve.is_running() {
            return None;
        }
        Some(f(Evidence::Curve(&curve.points())))
    }

    pub fn highlights(&self) -> &[String] {
        &self.lesson.steps[self.step].highlight
    }

    pub fn go_to(&mut self, step: usize) {
        self.step = step.min(self.lesson.steps.len() - 1);
    }

    /// Checks the answer given at the current step against the last run.
    pub fn check(&mut self) {
        let step = self.step;
        let Some(question) = self.lesson.steps[step].question.as_ref() else {
            return;
        };
        let given = &self.answers[step];
        if let Some(check) = self
            .with_evidence(|e| question.answer.check(given, e))
            .flatten()
        {
            self.solved[step] |= check == Check::Right;
            self.checks[step] = Some(check);
        }
    }
}

/// The browser: the lessons found, and the one open.
#[derive(Default)]
pub struct LessonBrowser {
    /// The window is in its lesson mode.
    pub shown: bool,
    pub folder: Option<PathBuf>,
    pub open: Option<OpenLesson>,
    /// Where the learner left each lesson: its step and answers, kept for this session.
    pub left: std::collections::HashMap<PathBuf, Progress>,
    /// Whether the canvas is what the open lesson's step describes (set by the window).
    pub as_the_text_says: bool,
}

/// A lesson's step and answers, kept when the learner goes back to the list.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub step: usize,
    pub answers: Vec<String>,
    pub solved: Vec<bool>,
}

impl OpenLesson {
    pub fn progress_kept(&self) -> Progress {
        Progress {
            step: self.step,
            answers: self.answers.clone(),
            solved: self.solved.clone(),
        }
    }

    /// Takes up where the learner left the lesson, if it still has those steps.
    pub fn resume(&mut self, kept: &Progress) {
        if kept.answers.len() == self.answers.len() {
            self.step = kept.step.min(self.lesson.steps.len() - 1);
            self.answers = kept.answers.clone();
            self.solved = kept.solved.clone();
        }
    }
}

impl LessonBrowser {
    pub fn ui(&mut self, ui: &mut Ui) -> Option<LessonAction> {
        match &mut self.open {
            None => list_ui(ui, self.folder.as_deref(), &self.left),
            Some(open) => lesson_ui(ui, open, self.as_the_text_says),
        }
    }
}

fn list_ui(
    ui: &mut Ui,
    folder: Option<&Path>,
    left: &std::collections::HashMap<PathBuf, Progress>,
) -> Option<LessonAction> {
    ui.heading("Lessons");
    ui.label("Each lesson runs a real pipeline and shows what the engine did, row by row.");
    ui.add_space(6.0);
    let Some(folder) = folder else {
        ui.label("No lessons folder was found beside the examples.");
        return None;
    };
    let mut action = None;
    for (path, lesson) in super::list(folder) {
        ui.separator();
        match lesson {
            Ok(lesson) => {
                ui.label(RichText::new(&lesson.title).strong());
                ui.label(&lesson.summary);
                let kept = left.get(&path);
                let questions = lesson.steps.iter().filter(|s| s.question.is_some()).count();
                let right = kept.map_or(0, |k| k.solved.iter().filter(|s| **s).count());
                if kept.is_some() {
                    ui.label(
                        RichText::new(format!("{right} of {questions} questions answered")).weak(),
                    );
                }
                let word = if kept.is_some() { "Go on" } else { "Start" };
                let start = ui
                    .button(word)
                    .on_hover_text(format!("Opens {}", lesson.pipeline));
                let start =
                    crate::editor::form::named(ui, start, &format!("Start {}", lesson.title));
                if start.clicked() {
                    action = Some(LessonAction::Open(path));
                }
            }
            Err(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
        }
    }
    action
}

fn lesson_ui(ui: &mut Ui, open: &mut OpenLesson, as_the_text_says: bool) -> Option<LessonAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui.button("⏴ All lessons").clicked() {
            action = Some(LessonAction::Close);
        }
    });
    ui.heading(RichText::new(&open.lesson.title).size(18.0));
    let steps = open.lesson.steps.len();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Step {} of {steps}", open.step + 1)).weak());
        if ui
            .add_enabled(open.step > 0, egui::Button::new("⏴ Back"))
            .clicked()
        {
            open.go_to(open.step - 1);
            action = Some(LessonAction::StepChanged);
        }
        if ui
            .add_enabled(open.step + 1 < steps, egui::Button::new("Next ⏵"))
            .clicked()
        {
            open.go_to(open.step + 1);
            action = Some(LessonAction::StepChanged);
        }
    });
    ui.add_space(4.0);
    let step = open.lesson.steps[open.step].clone();
    if !as_the_text_says {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(
                "You have changed the pipeline or its rows: the text speaks of the lesson's, \
                 the answers are checked against your run.",
            );
            if ui.button("Put back the lesson's pipeline").clicked() {
                action = Some(LessonAction::PutBack);
            }
        });
    }
    ui.label(RichText::new(&step.text).size(14.0));
    if !step.highlight.is_empty() {
        ui.label(
            RichText::new(format!(
                "Outlined on the canvas: {}",
                step.highlight.join(", ")
            ))
            .weak(),
        );
    }
    if let Some(try_it) = &step.try_it
        && ui.button(&try_it.label).clicked()
    {
        action = Some(LessonAction::Apply(try_it.change.clone()));
    }
    if let Some(question) = &step.question {
        ui.add_space(8.0);
        ui.label(RichText::new(&question.ask).strong().size(14.0));
        let i = open.step;
        let answerable = open.with_evidence(|_| ()).is_some();
        match open.with_evidence(|e| question.answer.choices(e)).flatten() {
            Some(choices) => {
                for choice in choices {
                    ui.radio_value(&mut open.answers[i], choice.clone(), choice);
                }
            }
            None => {
                let field = ui
                    .horizontal(|ui| {
                        ui.label("Your answer");
                        let field = ui.add(
                            egui::TextEdit::singleline(&mut open.answers[i])
                                .hint_text("a number")
                                .desired_width(120.0),
                        );
                        crate::editor::form::named(ui, field, "Your answer")
                    })
                    .inner;
                if field.lost_focus() && ui.input(|inp| inp.key_pressed(egui::Key::Enter)) {
                    open.check();
                }
            }
        }
        ui.horizontal(|ui| {
            let ready = answerable && !open.answers[i].trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("Check")).clicked() {
                open.check();
            }
            if open.checks[i].is_some() && ui.button("Show the answer").clicked() {
                open.shown_answer[i] = true;
            }
        });
        match &open.checks[i] {
            Some(Check::Right) => {
                ui.colored_label(
                    crate::editor::theme::running_color(ui.visuals().dark_mode),
                    "✔ Right: that is what the run did.",
                );
                if !question.explain.is_empty() {
                    ui.label(&question.explain);
                }
            }
            Some(Check::Wrong { expected }) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "× Not what the run did. Look at the timeline and try again.",
                );
                if open.shown_answer[i] {
                    ui.label(format!("The run says: {expected}."));
                }
            }
            None => {}
        }
    }
    ui.label(
        RichText::new("Keys: Page Down / Page Up for steps; Space plays, ← → step the timeline.")
            .weak()
            .small(),
    );
    action
}
