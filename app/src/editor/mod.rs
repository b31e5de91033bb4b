//! The designer window: palette, canvas, inspector, problems and console, files, undo and
//! running the pipeline.

mod bottom;
mod canvas;
mod connect;
mod console;
mod datagen_form;
mod dialogs;
pub mod document;
mod expr_field;
mod files;
mod flink_export;
pub(crate) mod form;
mod help;
mod history;
mod inspector;
mod join_form;
mod lessons;
mod live;
mod menus;
mod number_field;
mod outputs;
mod palette;
mod peek;
mod placement;
mod run;
mod runs;
mod servers;
mod stage;
pub(crate) mod theme;
mod transport_form;
mod view;
mod window;
mod window_form;

use std::path::{Path, PathBuf};

use egui::emath::TSTransform;
use egui::{Id, Key, KeyboardShortcut, Modifiers};
use egui_snarl::NodeId;
use engine::PipelineSpec;
use engine::validate::{self, Analysis};

use canvas::Refusal;
use document::Document;
use files::Files;
use history::History;
use palette::Palette;
pub use run::RunState;
use run::Runner;
use runs::RunHistory;
use view::ViewRequest;

/// The pipeline shown when the app opens without a file and no examples folder is found.
const HELLO: &str = include_str!("../../../saved-graphs/hello.ron");
/// How long a refused wire's reason stays by the pointer.
const REFUSAL_SECONDS: f64 = 4.0;
const CANVAS: &str = "canvas";
const RECENT_KEY: &str = "recent-files";

const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
const DUPLICATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::D);
const RUN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);

/// `spec` if the canvas can show all of it; otherwise why not, so that opening and saving
/// never drops part of a file silently.
fn faithful(path: &Path, spec: PipelineSpec) -> Result<PipelineSpec, String> {
    let reasons = Document::unrepresentable(&spec);
    if reasons.is_empty() {
        return Ok(spec);
    }
    Err(format!(
        "{}: the designer cannot show this pipeline without changing it:\n- {}\n\n\
         Fix the file; `streamlab validate` lists every problem in it.",
        path.display(),
        reasons.join("\n- ")
    ))
}

/// The tab shown in the bottom panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BottomTab {
    Problems,
    Console,
    Metrics,
    Checkpoints,
    Runs,
}

/// Something that would lose unsaved changes, waiting for the user's answer.
#[derive(Clone, Debug, PartialEq)]
enum Pending {
    New,
    Open(PathBuf),
    OpenExample(PathBuf),
    OpenDialog,
    Quit,
}

pub struct Editor {
    doc: Document,
    history: History,
    analysis: Analysis,
    /// The pipeline `analysis` describes; a new analysis runs when the graph differs.
    analyzed: PipelineSpec,
    palette: Palette,
    runner: Runner,
    runs: RunHistory,
    /// Where pipelines without a file of their own write relative output paths, one folder
    /// per pipeline; `None` leaves them beside the pipeline's inputs.
    output_root: Option<PathBuf>,
    files: Files,
    /// The node the inspector shows.
    focused: Option<NodeId>,
    last_selection: Vec<NodeId>,
    refused: Option<Refusal>,
    /// Why the inspector's last "Connect to" was refused, and for which node.
    inspector_refusal: Option<String>,
    refusal_node: Option<NodeId>,
    view_request: Option<ViewRequest>,
    transform: TSTransform,
    /// Each node's rectangle as last drawn, in graph space.
    node_rects: Vec<(NodeId, egui::Rect)>,
    /// Each pin's rectangle as last drawn, in graph space.
    pin_rects: Vec<(canvas::PinSpot, egui::Rect)>,
    /// Fit the view again next frame, once the nodes have been measured.
    refit: bool,
    /// When a fit last fell short of showing the whole pipeline, to say so for a while.
    fit_note_since: Option<f64>,
    /// Where the canvas was drawn last frame, on screen.
    last_canvas_rect: egui::Rect,
    /// The inspector's width last frame.
    inspector_width: f32,
    bottom_tab: BottomTab,
    /// An error to show in a dialog (a file that would not open or save).
    error: Option<String>,
    pending: Option<Pending>,
    /// The Help window shown, if any.
    help: Option<help::HelpPage>,
    /// What to do once a Save As started by the unsaved-changes prompt is done.
    after_save: Option<Pending>,
    allow_close: bool,
    title: String,
    console: console::ConsoleView,
    monitor: crate::monitor::Monitor,
    /// Rows a Step lets in while the job is paused.
    step_rows: u64,
    /// The wire being peeked at, if any.
    peek: Option<peek::PeekView>,
    /// A checkpoint to restore into a pipeline changed since, waiting for the user to
    /// agree to what it keeps and drops.
    restore_asked: Option<(engine::checkpoint::Restore, engine::checkpoint::RestorePlan)>,
    /// A job watched over its REST API; the Metrics and Checkpoints tabs show it.
    remote: Option<crate::monitor::remote::RemoteJob>,
    /// The address typed in the Watch a running job dialog, while it is open.
    connect_address: Option<String>,
    /// The lesson mode: whether it is shown, the lesson open and where others were left.
    lessons: crate::lesson::LessonBrowser,
    /// The Export to Flink SQL dialog, while it is open.
    flink_export: Option<flink_export::FlinkExport>,
    /// Bumped whenever the graph is rebuilt; see `canvas_id`.
    canvas_generation: u64,
    /// Whether the pipeline differs from its file, as of the last frame.
    dirty: bool,
    /// The widget with keyboard focus last frame, to end a text edit's undo step.
    last_focus: Option<Id>,
    /// Whether transport nodes' servers answer, asked in the background.
    servers: servers::ServerProbe,
}

impl Editor {
    /// The editor on `file`, or on the default example when `None`.
    pub fn new(file: Option<&Path>) -> Self {
        let mut editor = Editor::with_document(Document::new_empty());
        match file {
            Some(path) => editor.open(path),
            None => match editor.files.examples_dir.clone() {
                Some(dir) => editor.open_example(&dir.join("hello.ron")),
                None => {
                    let spec = engine::spec::parse(HELLO).expect("the built-in example parses");
                    editor.replace_document(Document::from_spec(&spec, None));
                }
            },
        }
        editor
    }

    /// The editor as eframe starts it: recent files and theme come from the last session.
    pub fn from_creation(cc: &eframe::CreationContext<'_>, file: Option<&Path>) -> Self {
        theme::apply(&cc.egui_ctx);
        let recent: Vec<PathBuf> = cc
            .storage
            .and_then(|s| eframe::get_value(s, RECENT_KEY))
            .unwrap_or_default();
        let mut editor = Editor::new(file);
        // The file opened now (if any) comes first, then the last session's, in their order.
        for path in recent {
            if !editor.files.recent.contains(&path) {
                editor.files.recent.push(path);
            }
        }
        editor.files.recent.truncate(files::RECENT);
        editor
    }

    fn with_document(doc: Document) -> Self {
        let spec = doc.to_spec();
        Editor {
            history: History::new(spec.clone()),
            analysis: validate::analyze(&spec),
            analyzed: spec,
            doc,
            palette: Palette::default(),
            runner: Runner::default(),
            runs: RunHistory::default(),
            output_root: outputs::user_output_root(),
            files: Files::new(),
            focused: None,
            last_selection: Vec::new(),
            refused: None,
            inspector_refusal: None,
            refusal_node: None,
            view_request: None,
            transform: TSTransform::IDENTITY,
            node_rects: Vec::new(),
            refit: false,
            fit_note_since: None,
            pin_rects: Vec::new(),
            last_canvas_rect: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0)),
            inspector_width: 0.0,
            bottom_tab: BottomTab::Problems,
            error: None,
            pending: None,
            help: None,
            after_save: None,
            allow_close: false,
            title: String::new(),
            last_focus: None,
            dirty: false,
            canvas_generation: 0,
            console: console::ConsoleView::default(),
            monitor: crate::monitor::Monitor::default(),
            restore_asked: None,
            remote: None,
            connect_address: None,
            flink_export: None,
            lessons: crate::lesson::LessonBrowser::default(),
            servers: servers::ServerProbe::default(),
            step_rows: 10,
            peek: None,
        }
    }

    // ----- what tests and other parts of the app read -----

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn spec(&self) -> PipelineSpec {
        self.doc.to_spec()
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    pub fn run_state(&self) -> &RunState {
        &self.runner.state
    }

    pub fn node_metrics(&self, id: &str) -> Option<&engine::metrics::NodeMetrics> {
        self.runner.metrics.get(id)
    }

    /// The rows the open peek holds, as text; empty without one.
    pub fn peeked_rows(&self) -> Vec<Vec<String>> {
        self.peek.as_ref().map_or(Vec::new(), |p| {
            p.handle
                .rows()
                .0
                .iter()
                .map(|r| r.iter().map(|v| v.to_string()).collect())
                .collect()
        })
    }

    pub fn console_lines(&self) -> &[String] {
        self.runner.console_lines()
    }

    pub fn error_message(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn focused_id(&self) -> Option<String> {
        self.focused
            .and_then(|n| self.doc.snarl.get_node(n))
            .map(|n| n.id.clone())
    }

    /// Where the first output (or input) pin of node `id` was last drawn, in screen points.
    pub fn pin_position(&self, id: &str, output: bool) -> Option<egui::Pos2> {
        let node = self.doc.find(id)?;
        let (_, rect) = self
            .pin_rects
            .iter()
            .find(|(spot, _)| spot.node == node && spot.output == output && spot.index == 0)?;
        Some(self.transform * rect.center())
    }

    /// The inspector's width as last drawn.
    pub fn inspector_width(&self) -> f32 {
        self.inspector_width
    }

    /// The canvas's zoom as last drawn: 1.0 is 100%.
    pub fn zoom(&self) -> f32 {
        view::zoom_of(&self.transform)
    }

    /// Where the canvas was last drawn, in screen points.
    pub fn canvas_rect(&self) -> egui::Rect {
        self.last_canvas_rect
    }

    /// Where node `id` was last drawn, in screen points.
    pub fn screen_rect_of(&self, id: &str) -> Option<egui::Rect> {
        let node = self.doc.find(id)?;
        let (_, rect) = self.node_rects.iter().find(|(n, _)| *n == node)?;
        Some(self.transform * *rect)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether the pipeline is locked against edits: while a job runs, the canvas shows that
    /// job, so nothing that changes the pipeline is allowed until it is stopped.
    pub fn is_read_only(&self) -> bool {
        self.runner.is_active()
    }

    // ----- actions -----

    fn replace_document(&mut self, doc: Document) {
        // Another pipeline on the canvas is not the lesson's.
        self.leave_lesson();
        let spec = doc.to_spec();
        self.history = History::new(spec.clone());
        self.doc = doc;
        self.analyse(&spec);
        self.analyzed = spec;
        self.focused = None;
        // The last run belonged to the pipeline being replaced; stop it if it still runs.
        self.runner = Runner::default();
        self.console.reset();
        self.new_canvas();
        self.view_request = Some(ViewRequest::FitAll);
    }

    /// Opens `path`; on failure shows why and keeps the current pipeline.
    pub fn open(&mut self, path: &Path) {
        if crate::lesson::is_lesson_file(path) {
            self.start_lesson(path);
            return;
        }
        match files::open(path).and_then(|spec| faithful(path, spec)) {
            Ok(spec) => {
                self.replace_document(Document::from_spec(&spec, Some(path.to_path_buf())));
                self.files.remember(path);
            }
            Err(message) => self.error = Some(format!("Could not open the pipeline.\n\n{message}")),
        }
    }

    /// Opens an example as a new pipeline with no file, so saving never writes over the
    /// shipped example; its relative paths still resolve against the example's folder.
    pub fn open_example(&mut self, path: &Path) {
        match files::open(path).and_then(|spec| faithful(path, spec)) {
            Ok(spec) => {
                let mut doc = Document::from_spec(&spec, None);
                doc.origin = path.parent().map(Path::to_path_buf);
                self.replace_document(doc);
            }
            Err(message) => self.error = Some(format!("Could not open the example.\n\n{message}")),
        }
    }

    /// Saves to `path`; returns whether it worked (a failure is shown).
    pub fn save_to(&mut self, path: &Path) -> bool {
        match files::save(path, &self.doc.spec_to_save(path)) {
            Ok(written) => {
                self.files.remember(&written);
                self.doc.mark_saved(written);
                true
            }
            Err(message) => {
                self.error = Some(format!("Could not save the pipeline.\n\n{message}"));
                false
            }
        }
    }

    fn save(&mut self) {
        match self.doc.path.clone() {
            Some(path) => {
                self.save_to(&path);
            }
            None => self.files.save_dialog(&self.doc),
        }
    }

    /// Runs `action` now, or asks first when it would drop unsaved changes.
    fn guard(&mut self, action: Pending) {
        if self.doc.is_dirty() {
            self.pending = Some(action);
        } else {
            self.proceed(action);
        }
    }

    fn proceed(&mut self, action: Pending) {
        match action {
            Pending::New => self.replace_document(Document::new_empty()),
            Pending::Open(path) => self.open(&path),
            Pending::OpenExample(path) => self.open_example(&path),
            Pending::OpenDialog => self.files.open_dialog(),
            Pending::Quit => self.allow_close = true,
        }
    }

    pub fn undo(&mut self) {
        if self.is_read_only() {
            return;
        }
        // An edit not yet recorded (text typed in a field still focused) is a step of its own.
        self.history.record(self.doc.to_spec());
        if let Some(spec) = self.history.undo().cloned() {
            self.show_state(&spec);
        }
    }

    pub fn redo(&mut self) {
        if self.is_read_only() {
            return;
        }
        self.history.record(self.doc.to_spec());
        if let Some(spec) = self.history.redo().cloned() {
            self.show_state(&spec);
        }
    }

    fn show_state(&mut self, spec: &PipelineSpec) {
        let focused = self.focused_id();
        self.doc.load_graph(spec);
        self.focused = focused.and_then(|id| self.doc.find(&id));
        self.new_canvas();
        self.view_request = Some(ViewRequest::Transform(self.transform));
    }

    /// The canvas widget's id. Its selection and drags refer to nodes by slot, so a rebuilt
    /// graph gets a canvas of its own rather than another graph's selection.
    fn canvas_id(&self) -> Id {
        Id::new(CANVAS).with(self.canvas_generation)
    }

    fn new_canvas(&mut self) {
        self.canvas_generation += 1;
        self.last_selection.clear();
        self.node_rects.clear();
        self.pin_rects.clear();
    }

    /// The folder the pipeline's relative paths resolve against.
    fn base_dir(&self) -> PathBuf {
        self.doc
            .base_dir()
            .or_else(|| self.files.examples_dir.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Checks `spec` as the engine will: its own rules, that its input files exist, and
    /// (as last answered, asked in the background) that its servers answer.
    fn analyse(&mut self, spec: &PipelineSpec) {
        self.analysis = validate::analyze(spec);
        let missing = validate::check_files(spec, &self.base_dir());
        self.analysis.problems.extend(missing);
        let unanswered = self.servers.want(validate::server_urls(spec));
        self.analysis.problems.extend(unanswered);
    }

    /// Where this pipeline's relative output paths are written: below the per-user output
    /// folder while it has no file of its own (an example copy must not write among the
    /// shipped files), else beside its file.
    fn output_folder(&self) -> Option<PathBuf> {
        match (&self.doc.path, &self.output_root) {
            (None, Some(root)) => Some(outputs::folder_for(root, &self.doc.name)),
            _ => None,
        }
    }

    /// Sends unsaved pipelines' relative outputs to `root`/<pipeline name>/ instead of the
    /// per-user data folder (tests keep their files to themselves this way).
    pub fn set_output_root(&mut self, root: PathBuf) {
        self.output_root = Some(root);
    }

    /// The pipeline as it is run: relative outputs redirected while it has no file.
    fn spec_to_run(&self) -> PipelineSpec {
        let spec = self.doc.to_spec();
        match self.output_folder() {
            Some(folder) => outputs::redirect_sinks(&spec, &folder),
            None => spec,
        }
    }

    /// The files of the last run (or the one running), with their rows so far.
    pub fn output_files(&self) -> Vec<outputs::OutputFile> {
        self.runner.outputs()
    }

    /// Keeps the checkpoints of runs started here below `root`, one folder per pipeline.
    pub fn keep_checkpoints_in(&mut self, root: std::path::PathBuf) {
        self.runner.set_checkpoint_root(root);
    }

    /// Watches the job served at `address` (`host:port`): its charts and checkpoints show
    /// in the Metrics and Checkpoints tabs.
    pub fn watch_remote(&mut self, address: &str) -> Result<(), String> {
        let remote = crate::monitor::remote::RemoteJob::connect(address)?;
        self.remote = Some(remote);
        self.bottom_tab = BottomTab::Metrics;
        self.monitor.run_started();
        Ok(())
    }

    /// Shows the Metrics tab below the canvas.
    pub fn show_metrics(&mut self) {
        self.bottom_tab = BottomTab::Metrics;
    }

    pub fn run(&mut self) {
        if !self.runner.is_active() {
            self.console.reset();
        }
        self.start_run(None);
    }

    /// Starts a new run from a completed checkpoint's `chk-<n>` folder.
    pub fn run_from_checkpoint(&mut self, path: std::path::PathBuf) {
        if self.runner.is_active() {
            return;
        }
        let restore =
            engine::checkpoint::load(&path, &engine::checkpoint::RestoreFrom::Path(path.clone()));
        let spec = self.spec_to_run();
        let analysis = engine::validate::analyze(&spec);
        let planned = restore.and_then(|r| {
            engine::checkpoint::restore_plan(&r, &spec, &analysis).map(|plan| (r, plan))
        });
        match planned {
            // The pipeline changed since: say what is kept and what starts empty first.
            Ok((restore, plan)) if !plan.dropped.is_empty() => {
                self.restore_asked = Some((restore, plan));
            }
            Ok((restore, _)) => self.restore_into_this(restore, false),
            Err(e) => self.runner.notice = Some(e),
        }
    }

    /// Starts a run from `restore`; with `drop_unmapped`, nodes it cannot map start empty.
    fn restore_into_this(&mut self, restore: engine::checkpoint::Restore, drop_unmapped: bool) {
        self.console.reset();
        self.start_run(Some((restore, drop_unmapped)));
    }

    /// The checkpoint waiting for the user's answer, and what restoring it would keep.
    pub fn restore_asked(&self) -> Option<&engine::checkpoint::RestorePlan> {
        self.restore_asked.as_ref().map(|(_, plan)| plan)
    }

    fn start_run(&mut self, restore: Option<(engine::checkpoint::Restore, bool)>) {
        let spec = self.spec_to_run();
        self.runner.start(&spec, self.base_dir(), restore);
        self.monitor.run_started();
        let prints = spec
            .nodes
            .iter()
            .any(|n| matches!(n.kind, engine::spec::NodeKind::Console(_)));
        self.bottom_tab = match self.runner.state {
            RunState::Failed(_) => BottomTab::Problems,
            // A pipeline that prints shows its output; one that does not, its metrics.
            _ if prints => BottomTab::Console,
            _ => BottomTab::Metrics,
        };
    }

    pub fn stop(&mut self) {
        self.runner.stop();
    }

    /// Adds a node of `kind`: at `at` (a drop), else downstream of the node it follows (see
    /// `placement`). The view changes only if the new node would be out of it (see
    /// `view::include`). Nothing is added
    /// while the pipeline is read-only.
    pub fn add_node(
        &mut self,
        kind: engine::spec::NodeKind,
        at: Option<egui::Pos2>,
    ) -> Option<NodeId> {
        if self.is_read_only() {
            return None;
        }
        let placed = self.placed_nodes();
        let pos = at.unwrap_or_else(|| {
            let centre = self.transform.inverse() * self.last_canvas_rect.center();
            placement::place(&placed, self.focused, centre)
        });
        let node = self.doc.add_node(document::starter(kind), pos);
        self.focused = Some(node);
        let offset = placed
            .first()
            .map_or(egui::Vec2::ZERO, |p| p.rect.min - p.pos);
        let rect = egui::Rect::from_min_size(pos + offset, placement::NODE_SIZE);
        let pipeline = canvas::bounds(&self.doc.snarl, &self.node_rects)
            .map_or(rect, |(bounds, _)| bounds.union(rect));
        self.view_request = Some(ViewRequest::Include {
            node: rect,
            pipeline,
        });
        Some(node)
    }

    /// The nodes as placement sees them: where each is and was drawn, and what feeds it.
    fn placed_nodes(&self) -> Vec<placement::Placed> {
        self.doc
            .snarl
            .nodes_pos_ids()
            .map(|(node, pos, spec)| {
                let rect = self.node_rects.iter().find(|(n, _)| *n == node).map_or(
                    egui::Rect::from_min_size(pos, placement::NODE_SIZE),
                    |(_, r)| *r,
                );
                let upstream = (!spec.kind.inputs().is_empty())
                    .then(|| {
                        let pin = self
                            .doc
                            .snarl
                            .in_pin(egui_snarl::InPinId { node, input: 0 });
                        pin.remotes.first().map(|r| r.node)
                    })
                    .flatten();
                placement::Placed {
                    node,
                    pos,
                    rect,
                    has_outputs: !spec.kind.outputs().is_empty(),
                    upstream,
                }
            })
            .collect()
    }

    /// Gives file node `id` the file at `path`, picked in the file dialog: relative to the
    /// pipeline's folder when it is inside it. A file to write for a pipeline without a file
    /// of its own is kept absolute, as its relative outputs go to the output folder.
    fn set_file_path(&mut self, id: &str, path: &Path, write: bool) {
        if self.is_read_only() {
            return;
        }
        let stored = if write && self.output_folder().is_some() {
            path.to_string_lossy().into_owned()
        } else {
            files::as_stored(path, &self.base_dir())
        };
        let Some(node) = self.doc.find(id) else {
            return;
        };
        match &mut self.doc.snarl[node].kind {
            engine::spec::NodeKind::FileSource(c) => c.path = stored,
            engine::spec::NodeKind::FileSink(c) => c.path = stored,
            _ => {}
        }
    }

    /// Opens the file dialog for node `id`'s path, in the folder of its current file.
    fn browse_for(&mut self, id: String, write: bool) {
        let base = self.base_dir();
        let current = self
            .doc
            .find(&id)
            .and_then(|n| match &self.doc.snarl[n].kind {
                engine::spec::NodeKind::FileSource(c) => Some(c.path.clone()),
                engine::spec::NodeKind::FileSink(c) => Some(c.path.clone()),
                _ => None,
            });
        let folder = current
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| base.join(p).parent().map(outputs::tidy))
            .filter(|d| d.is_dir())
            .unwrap_or(base);
        self.files.data_file_dialog(id, write, folder);
    }

    /// Shows node `id` in the inspector and centres the canvas on it.
    pub fn focus(&mut self, id: &str) {
        if let Some(node) = self.doc.find(id) {
            self.focused = Some(node);
            let pos = self.doc.snarl.get_node_info(node).expect("found").pos;
            let centre = match self.node_rects.iter().find(|(n, _)| *n == node) {
                Some((_, rect)) => rect.center(),
                None => pos + placement::NODE_SIZE / 2.0,
            };
            self.view_request = Some(ViewRequest::Center(centre));
        }
    }

    fn delete_selected(&mut self, ctx: &egui::Context) {
        if self.is_read_only() {
            return;
        }
        let mut doomed = egui_snarl::ui::get_selected_nodes(self.canvas_id(), ctx);
        if doomed.is_empty() {
            doomed.extend(self.focused);
        }
        for node in doomed {
            if self.doc.snarl.get_node(node).is_some() {
                self.doc.snarl.remove_node(node);
            }
        }
        self.focused = None;
    }

    fn duplicate_selected(&mut self, ctx: &egui::Context) {
        if self.is_read_only() {
            return;
        }
        let mut nodes = egui_snarl::ui::get_selected_nodes(self.canvas_id(), ctx);
        if nodes.is_empty() {
            nodes.extend(self.focused);
        }
        for node in nodes {
            if self.doc.snarl.get_node(node).is_some() {
                self.focused = Some(canvas::duplicate(&mut self.doc.snarl, node));
            }
        }
    }
}
