//! The node graph: how nodes, pins and wires look, and what the canvas does with clicks,
//! wires and menus.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use egui::emath::TSTransform;
use egui::{Color32, Pos2, Rect, RichText, Stroke, Ui, Vec2};
use egui_snarl::ui::{
    PinInfo, PinShape, PinWireInfo, SnarlPin, SnarlStyle, SnarlViewer, WireStyle,
};
use egui_snarl::{InPin, NodeId, OutPin, Snarl};
use engine::metrics::NodeMetrics;
use engine::spec::{Category, NodeKind, NodeSpec};
use engine::validate::{Analysis, PortType};

use super::connect;
use super::document::unused_id;
use super::theme;
use super::view::{self, ViewRequest};

/// One pin of one node: an input or an output, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinSpot {
    pub node: NodeId,
    pub output: bool,
    pub index: usize,
}

/// Where pins were drawn this frame, in graph space. The canvas draws pins after the viewer
/// hands them over, so they report back through a shared list.
pub type PinRects = Arc<Mutex<Vec<(PinSpot, Rect)>>>;

/// A pin that notes where it was drawn.
struct DrawnPin {
    info: PinInfo,
    spot: PinSpot,
    rects: PinRects,
}

impl SnarlPin for DrawnPin {
    fn draw(
        self,
        snarl_style: &SnarlStyle,
        style: &egui::Style,
        rect: Rect,
        painter: &egui::Painter,
    ) -> PinWireInfo {
        self.rects
            .lock()
            .expect("not poisoned")
            .push((self.spot, rect));
        self.info.draw(snarl_style, style, rect, painter)
    }
}

/// A wire the canvas refused, and why; shown by the pointer for a few seconds.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// What was refused ("Cannot connect"), then why.
    pub title: &'static str,
    pub message: String,
    pub at: Pos2,
    pub time: f64,
}

/// What the canvas needs to draw one frame, and what it reports back.
pub struct CanvasViewer<'a> {
    pub analysis: &'a Analysis,
    /// Live counts of the running (or last) job, by node id.
    pub metrics: &'a HashMap<String, NodeMetrics>,
    /// A node the last run failed on, with the message.
    pub run_error: Option<&'a (String, String)>,
    /// The node the inspector shows.
    pub focused: Option<NodeId>,
    pub refused: &'a mut Option<Refusal>,
    pub view_request: Option<ViewRequest>,
    /// Set when a fit could not show the whole pipeline readably.
    pub fit_clipped: bool,
    /// Where the canvas is on screen, to fit views into.
    pub screen_rect: Rect,
    /// The graph-to-screen transform the canvas used this frame.
    pub transform: TSTransform,
    /// Set when a node menu asked to show a node in the inspector.
    pub focus_request: Option<NodeId>,
    /// The pointer's screen position and the time, to place a refusal.
    pub pointer: Pos2,
    pub now: f64,
    /// Each node's rectangle this frame, in graph space, in drawing order.
    pub node_rects: Vec<(NodeId, Rect)>,
    /// Nodes a node menu deleted this frame.
    pub removed: Vec<NodeId>,
    pub pin_rects: PinRects,
    pub dark: bool,
    /// While a job runs the canvas is the job: wires and nodes cannot change.
    pub read_only: bool,
    /// The job's newest metric samples.
    pub live: Option<super::live::Live<'a>>,
    /// Whether to show it (the sample may not have come yet).
    pub show_live: bool,
    /// Nodes a lesson's step points at, outlined.
    pub highlighted: &'a [String],
}

/// Why the canvas refuses a change while a job runs.
pub const READ_ONLY_REASON: &str = "the pipeline is running: stop it to change its wires";

/// The canvas style: wires coloured by their stream, a grid, and zoom from 20% to 200%
/// (the scales here are the zooms; see `view` for how they relate to the view's scale).
pub fn style() -> SnarlStyle {
    let mut style = SnarlStyle::new();
    style.pin_size = Some(11.0);
    style.wire_width = Some(2.5);
    style.wire_style = Some(WireStyle::Bezier5);
    style.centering = Some(true);
    style.min_scale = Some(view::MIN_ZOOM);
    style.max_scale = Some(view::MAX_ZOOM);
    style.collapsible = Some(false);
    style.select_rect_contained = Some(false);
    style.crisp_magnified_text = Some(true);
    style
}

/// A colour per stream shape, so wires and pins carrying the same columns match; deeper on
/// a light background, where pale wires would vanish.
pub fn shape_color(port: &PortType, dark: bool) -> Color32 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    port.schema.hash(&mut hasher);
    let hue = (hasher.finish() % 360) as f32 / 360.0;
    let (saturation, value) = if dark { (0.55, 0.9) } else { (0.8, 0.6) };
    egui::ecolor::Hsva::new(hue, saturation, value, 1.0).into()
}

fn pin_info(port: Option<&PortType>, dark: bool) -> PinInfo {
    let Some(port) = port else {
        return PinInfo::circle().with_fill(Color32::GRAY);
    };
    // Windowed streams (a Window's results) get triangles, other keyed streams squares:
    // their rows are partitioned by key.
    let shape = if port.window.is_some() {
        PinShape::Triangle
    } else if port.keys.is_some() {
        PinShape::Square
    } else {
        PinShape::Circle
    };
    PinInfo::default()
        .with_shape(shape)
        .with_fill(shape_color(port, dark))
        .with_wire_color(shape_color(port, dark))
}

/// `1234567` → `1.2M`, for counts on nodes.
pub fn short_count(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// One line saying what a node is set to do.
pub fn summary(kind: &NodeKind) -> String {
    fn rate(r: Option<u64>, unit: &str) -> String {
        r.map_or("as fast as possible".into(), |r| format!("{r} {unit}/s"))
    }
    match kind {
        NodeKind::Datagen(c) => {
            let rows = c
                .number_of_rows
                .map_or(String::new(), |n| format!(", {n} rows"));
            format!(
                "{} field{}, {}{rows}",
                c.fields.len(),
                if c.fields.len() == 1 { "" } else { "s" },
                rate(c.rows_per_second, "rows")
            )
        }
        NodeKind::FileSource(c) => match c.rows_per_second {
            Some(r) => format!("{} {}, {r} rows/s", format_name(c.format), c.path),
            None => format!("{} {}", format_name(c.format), c.path),
        },
        NodeKind::Nexmark(c) => format!("{:?}, {}", c.stream, rate(c.events_per_second, "events")),
        NodeKind::Filter(c) if c.condition.trim().is_empty() => "no condition yet".into(),
        NodeKind::Filter(c) => c.condition.clone(),
        NodeKind::Map(c) if c.columns.is_empty() => "no columns yet".into(),
        NodeKind::Map(c) => c.columns.join(", "),
        NodeKind::KeyBy(c) if c.columns.is_empty() => "no key yet".into(),
        NodeKind::KeyBy(c) => format!("by {}", c.columns.join(", ")),
        NodeKind::Union(_) => "merges its inputs".into(),
        NodeKind::Window(c) => window_summary(c),
        NodeKind::Join(c) => join_summary(c),
        NodeKind::Throttle(c) => format!("at most {} rows/s", c.rows_per_second),
        NodeKind::FileSink(c) => format!("{} {}", format_name(c.format), c.path),
        NodeKind::Console(c) => c
            .print_identifier
            .as_ref()
            .map_or("prints rows".into(), |p| format!("prints rows as {p}>")),
        NodeKind::Blackhole(_) => "discards rows".into(),
        NodeKind::RedisSource(c) => format!(
            "stream {}{}",
            c.stream,
            stream_start(&c.start, "", "entries")
        ),
        NodeKind::RedisSink(c) => format!("to stream {}", c.stream),
        NodeKind::NatsSource(c) => format!(
            "stream {}{}{}",
            c.stream,
            nats_subject(&c.subject),
            stream_start(&c.start, "seq ", "messages")
        ),
        NodeKind::NatsSink(c) => format!("to stream {}{}", c.stream, nats_subject(&c.subject)),
    }
}

/// `, from 1700000000000-0` or `, from seq 5`: where a stream source starts, unless at the
/// beginning. `offset` comes before an offset, `items` is what the transport calls its
/// entries.
fn stream_start(start: &engine::spec::StreamStart, offset: &str, items: &str) -> String {
    use engine::spec::StreamStart;
    match start {
        StreamStart::Beginning => String::new(),
        StreamStart::AtId(id) => format!(", from {offset}{id}"),
        StreamStart::AtTime(t) => format!(", from {t}"),
        StreamStart::NewOnly => format!(", new {items} only"),
    }
}

/// `, readings.>`: the subject a NATS node reads or publishes, if it names one.
fn nats_subject(subject: &str) -> String {
    let subject = subject.trim();
    if subject.is_empty() {
        String::new()
    } else {
        format!(", {subject}")
    }
}

/// `tumbling 10 s: COUNT(*) AS n`.
fn window_summary(c: &engine::spec::WindowConfig) -> String {
    use engine::spec::WindowKind;
    let span =
        |ms: u64| humantime::format_duration(std::time::Duration::from_millis(ms)).to_string();
    let kind = match c.window {
        WindowKind::Tumbling { size_ms } => format!("tumbling {}", span(size_ms)),
        WindowKind::Sliding { size_ms, slide_ms } => {
            format!("sliding {} every {}", span(size_ms), span(slide_ms))
        }
        WindowKind::Session { gap_ms } => format!("sessions, gap {}", span(gap_ms)),
    };
    match c.aggregates.as_slice() {
        [] => kind,
        aggregates => format!("{kind}: {}", aggregates.join(", ")),
    }
}

/// `window join 10 s on id = seller`.
fn join_summary(c: &engine::spec::JoinConfig) -> String {
    use engine::spec::{JoinKind, JoinType, WindowKind};
    let span =
        |ms: u64| humantime::format_duration(std::time::Duration::from_millis(ms)).to_string();
    let kind = match c.kind {
        JoinKind::Window {
            window: WindowKind::Tumbling { size_ms },
        } => format!("window join {}", span(size_ms)),
        JoinKind::Window {
            window: WindowKind::Sliding { size_ms, slide_ms },
        } => {
            format!("window join {} every {}", span(size_ms), span(slide_ms))
        }
        JoinKind::Window {
            window: WindowKind::Session { gap_ms },
        } => format!("session join {}", span(gap_ms)),
        JoinKind::Interval {
            before_ms,
            after_ms,
        } => {
            format!("interval join -{} +{}", span(after_ms), span(before_ms))
        }
    };
    let outer = if c.join_type == JoinType::LeftOuter {
        " (left outer)"
    } else {
        ""
    };
    let keys: Vec<String> = c
        .keys
        .iter()
        .map(|k| format!("{} = {}", k.left, k.right))
        .collect();
    match keys.as_slice() {
        [] => format!("{kind}{outer}"),
        keys => format!("{kind}{outer} on {}", keys.join(", ")),
    }
}

/// How a file format is named to people, in the inspector and on nodes alike.
pub fn format_name(format: engine::spec::FileFormat) -> &'static str {
    match format {
        engine::spec::FileFormat::Csv => "CSV",
        engine::spec::FileFormat::JsonLines => "JSON Lines",
    }
}

/// Text sizes on nodes at 100%, in points: the title, the lines under it, and the counts.
const TITLE: f32 = 14.0;
const SUBTITLE: f32 = 12.0;
const BODY: f32 = 13.0;
/// The width of a node's body at 100%, in points.
const BODY_POINTS: f32 = 120.0;
/// Node contents are laid out at `MAX_ZOOM` times their size (see `view`), so sizes given in
/// points at 100% are scaled by it.
const BODY_WIDTH: f32 = BODY_POINTS * view::MAX_ZOOM;

/// Which pin is which, for a node with several inputs or outputs.
fn pin_guide(kind: &NodeKind) -> Option<&'static str> {
    match kind {
        NodeKind::Window(_) => Some(
            "Outputs: the upper pin gives the window results, the lower one (late) the rows \
             too late for their window",
        ),
        NodeKind::Join(_) => {
            Some("Inputs: the upper pin is the left input, the lower one the right")
        }
        _ => None,
    }
}

/// `text` at `points` points when the canvas is at 100%.
pub(super) fn sized(text: impl Into<String>, points: f32) -> RichText {
    RichText::new(text).size(points * view::MAX_ZOOM)
}

impl CanvasViewer<'_> {
    /// Whether a change must be refused because a job runs; if so, says why by the pointer.
    fn refuse_while_running(&mut self) -> bool {
        if self.read_only {
            *self.refused = Some(Refusal {
                title: "Read-only while the job runs",
                message: READ_ONLY_REASON.to_string(),
                at: self.pointer,
                time: self.now,
            });
        }
        self.read_only
    }

    fn input_type(&self, snarl: &Snarl<NodeSpec>, pin: &InPin) -> Option<PortType> {
        let remote = pin.remotes.first()?;
        let from = &snarl[remote.node];
        let port = from.kind.outputs().get(remote.output)?;
        self.analysis.port_type(&from.id, port).cloned()
    }
}

impl CanvasViewer<'_> {
    /// A pin showing the stream `port`, which notes where it is drawn.
    fn pin(
        &self,
        port: Option<&PortType>,
        node: NodeId,
        output: bool,
        index: usize,
        ui: &Ui,
    ) -> DrawnPin {
        DrawnPin {
            info: pin_info(port, ui.visuals().dark_mode),
            spot: PinSpot {
                node,
                output,
                index,
            },
            rects: self.pin_rects.clone(),
        }
    }
}

impl SnarlViewer<NodeSpec> for CanvasViewer<'_> {
    fn title(&mut self, node: &NodeSpec) -> String {
        node.id.clone()
    }

    fn show_header(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) {
        let spec = &snarl[node];
        ui.horizontal(|ui| {
            let color = theme::category_color(spec.kind.category(), ui.visuals().dark_mode);
            theme::dot(ui, color);
            ui.label(sized(&spec.id, TITLE).strong());
            ui.label(sized(spec.kind.name(), SUBTITLE).weak());
            ui.add_space(4.0);
        });
    }

    fn inputs(&mut self, node: &NodeSpec) -> usize {
        node.kind.inputs().len()
    }

    fn outputs(&mut self, node: &NodeSpec) -> usize {
        node.kind.outputs().len()
    }

    fn show_input(
        &mut self,
        pin: &InPin,
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) -> impl SnarlPin + 'static {
        // Only a port that takes many streams says how many it has.
        if pin.remotes.len() > 1 {
            ui.label(sized(format!("{}×", pin.remotes.len()), SUBTITLE).weak());
        }
        let port = self.input_type(snarl, pin);
        self.pin(port.as_ref(), pin.id.node, false, pin.id.input, ui)
    }

    fn show_output(
        &mut self,
        pin: &OutPin,
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) -> impl SnarlPin + 'static {
        let node = &snarl[pin.id.node];
        let port = node
            .kind
            .outputs()
            .get(pin.id.output)
            .and_then(|name| self.analysis.port_type(&node.id, name));
        let mut drawn = self.pin(port, pin.id.node, true, pin.id.output, ui);
        // A sender held up by a full channel reddens its wires.
        if let (Some(base), Some(live)) = (
            drawn.info.wire_color,
            self.live.and_then(|l| l.node(&node.id)),
        ) {
            drawn.info.wire_color = Some(super::live::wire_color(base, live.backpressure));
        }
        drawn
    }

    fn has_body(&mut self, _node: &NodeSpec) -> bool {
        true
    }

    fn show_body(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) {
        let spec = &snarl[node];
        ui.vertical(|ui| {
            // A steady width, so pins stay put while counts grow.
            ui.set_width(BODY_WIDTH);
            let summary = ui.add(egui::Label::new(sized(summary(&spec.kind), SUBTITLE)).truncate());
            if let Some(pins) = pin_guide(&spec.kind) {
                summary.on_hover_text(pins);
            }
            // The counts line is always there, so a run does not make nodes grow.
            let Some(m) = self.metrics.get(&spec.id) else {
                ui.label(sized("not run yet", BODY).weak());
                return;
            };
            let text = match spec.kind.category() {
                Category::Source => format!("out {}", short_count(m.records_out)),
                Category::Sink => format!("in {}", short_count(m.records_in)),
                Category::Transform if m.late_records > 0 => format!(
                    "in {} · out {} · late {}",
                    short_count(m.records_in),
                    short_count(m.records_out),
                    short_count(m.late_records)
                ),
                Category::Transform => format!(
                    "in {} · out {}",
                    short_count(m.records_in),
                    short_count(m.records_out)
                ),
            };
            ui.label(sized(text, BODY).color(theme::running_color(ui.visuals().dark_mode)));
            if self.show_live {
                super::live::show_node(ui, spec.kind.category(), &spec.id, self.live, SUBTITLE);
            }
        });
    }

    fn has_footer(&mut self, _node: &NodeSpec) -> bool {
        true
    }

    fn show_footer(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) {
        let id = snarl[node].id.clone();
        let mut lines: Vec<(bool, String)> = self
            .analysis
            .problems_of(&id)
            .map(|p| (p.is_error(), p.message.clone()))
            .collect();
        if let Some((failed, message)) = self.run_error
            && *failed == id
        {
            lines.insert(0, (true, format!("run failed: {message}")));
        }
        // One line on the node, the worst first; the inspector and the problems list have all.
        lines.sort_by_key(|(error, _)| !error);
        let Some((error, message)) = lines.first() else {
            return;
        };
        let dark = ui.visuals().dark_mode;
        let (icon, color) = if *error {
            ("⚠", theme::error_color(dark))
        } else {
            ("ℹ", theme::warning_color(dark))
        };
        let more = match lines.len() {
            1 => String::new(),
            n => format!(" (+{})", n - 1),
        };
        ui.set_max_width(BODY_WIDTH);
        ui.add(
            egui::Label::new(sized(format!("{icon} {message}{more}"), SUBTITLE).color(color))
                .truncate(),
        )
        .on_hover_text(message);
    }

    fn node_frame(
        &mut self,
        default: egui::Frame,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        snarl: &Snarl<NodeSpec>,
    ) -> egui::Frame {
        let id = &snarl[node].id;
        let failed = self.run_error.is_some_and(|(n, _)| n == id);
        let has_error = failed || self.analysis.problems_of(id).any(|p| p.is_error());
        let has_warning = self.analysis.problems_of(id).next().is_some();
        let stroke = if has_error {
            Stroke::new(2.0, theme::error_color(self.dark))
        } else if self.highlighted.contains(id) {
            Stroke::new(3.0, theme::highlight_color(self.dark))
        } else if self.focused == Some(node) {
            Stroke::new(2.0, theme::accent())
        } else if has_warning {
            Stroke::new(1.5, theme::warning_color(self.dark))
        } else {
            default.stroke
        };
        default.stroke(stroke)
    }

    fn final_node_rect(
        &mut self,
        node: NodeId,
        rect: Rect,
        _ui: &mut Ui,
        _snarl: &mut Snarl<NodeSpec>,
    ) {
        self.node_rects.push((node, rect));
    }

    fn connect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<NodeSpec>) {
        let allowed = if self.read_only {
            Err(READ_ONLY_REASON.to_string())
        } else {
            connect::check(snarl, self.analysis, from.id, to.id)
        };
        match allowed {
            Ok(()) => {
                snarl.connect(from.id, to.id);
            }
            Err(message) => {
                *self.refused = Some(Refusal {
                    title: "Cannot connect",
                    message,
                    at: self.pointer,
                    time: self.now,
                });
            }
        }
    }

    fn disconnect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<NodeSpec>) {
        if self.refuse_while_running() {
            return;
        }
        snarl.disconnect(from.id, to.id);
    }

    fn drop_inputs(&mut self, pin: &InPin, snarl: &mut Snarl<NodeSpec>) {
        if self.refuse_while_running() {
            return;
        }
        snarl.drop_inputs(pin.id);
    }

    fn drop_outputs(&mut self, pin: &OutPin, snarl: &mut Snarl<NodeSpec>) {
        if self.refuse_while_running() {
            return;
        }
        snarl.drop_outputs(pin.id);
    }

    fn has_graph_menu(&mut self, _pos: Pos2, _snarl: &mut Snarl<NodeSpec>) -> bool {
        true
    }

    fn show_graph_menu(&mut self, pos: Pos2, ui: &mut Ui, snarl: &mut Snarl<NodeSpec>) {
        if self.read_only {
            ui.label(RichText::new("Stop the job to add nodes.").weak());
            return;
        }
        ui.label(RichText::new("Add node").strong());
        for category in [Category::Source, Category::Transform, Category::Sink] {
            ui.menu_button(theme::category_name(category), |ui| {
                for kind in NodeKind::all()
                    .into_iter()
                    .filter(|k| k.category() == category)
                {
                    if ui
                        .button(kind.name())
                        .on_hover_text(kind.description())
                        .clicked()
                    {
                        let id = unused_id(snarl, &super::document::default_id(&kind));
                        let kind = super::document::starter(kind);
                        let node = snarl.insert_node(pos, NodeSpec::new(id, kind));
                        self.focus_request = Some(node);
                        ui.close();
                    }
                }
            });
        }
    }

    fn has_node_menu(&mut self, _node: &NodeSpec) -> bool {
        true
    }

    fn show_node_menu(
        &mut self,
        node: NodeId,
        inputs: &[InPin],
        outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<NodeSpec>,
    ) {
        if ui.button("Inspect").clicked() {
            self.focus_request = Some(node);
            ui.close();
        }
        let editable = !self.read_only;
        if ui
            .add_enabled(editable, egui::Button::new("Duplicate"))
            .clicked()
        {
            self.focus_request = Some(duplicate(snarl, node));
            ui.close();
        }
        let wired = inputs.iter().any(|p| !p.remotes.is_empty())
            || outputs.iter().any(|p| !p.remotes.is_empty());
        if ui
            .add_enabled(editable && wired, egui::Button::new("Disconnect all"))
            .clicked()
        {
            for pin in inputs {
                snarl.drop_inputs(pin.id);
            }
            for pin in outputs {
                snarl.drop_outputs(pin.id);
            }
            ui.close();
        }
        ui.separator();
        if ui
            .add_enabled(editable, egui::Button::new("Delete"))
            .clicked()
        {
            snarl.remove_node(node);
            self.removed.push(node);
            ui.close();
        }
    }

    fn current_transform(&mut self, to_global: &mut TSTransform, _snarl: &mut Snarl<NodeSpec>) {
        if let Some(request) = self.view_request.take() {
            *to_global = match request {
                ViewRequest::Fit(rect) => {
                    let (fitted, whole) = view::fit(rect, self.screen_rect);
                    self.fit_clipped = !whole;
                    fitted
                }
                ViewRequest::Center(point) => {
                    view::matching(point, self.screen_rect.center(), to_global.scaling)
                }
                ViewRequest::Include { node, pipeline } => {
                    view::include(node, pipeline, *to_global, self.screen_rect)
                }
                ViewRequest::Transform(transform) => transform,
                ViewRequest::FitAll => *to_global, // resolved by the window before drawing
            };
        }
        self.transform = *to_global;
    }
}

/// Copies a node (not its wires) a little below and right of it, with a fresh id.
pub fn duplicate(snarl: &mut Snarl<NodeSpec>, node: NodeId) -> NodeId {
    let info = snarl.get_node_info(node).expect("node exists");
    let mut copy = info.value.clone();
    let pos = info.pos + Vec2::new(40.0, 40.0);
    // A copy of `filter_2` is `filter_3`, not `filter_2_2`.
    let base = match copy.id.rsplit_once('_') {
        Some((base, n)) if !base.is_empty() && n.parse::<u32>().is_ok() => base.to_string(),
        _ => copy.id.clone(),
    };
    copy.id = unused_id(snarl, &base);
    snarl.insert_node(pos, copy)
}

/// The graph-space rectangle that holds every node, if there are any: from the rectangles
/// the nodes were last drawn in, or estimated from positions for nodes not drawn yet.
/// The flag says whether every rectangle was measured.
pub fn bounds(snarl: &Snarl<NodeSpec>, drawn: &[(NodeId, Rect)]) -> Option<(Rect, bool)> {
    let mut measured = true;
    let rect = snarl
        .nodes_pos_ids()
        .map(|(id, pos, _)| match drawn.iter().find(|(n, _)| *n == id) {
            Some((_, rect)) => *rect,
            None => {
                measured = false;
                Rect::from_min_size(pos, super::placement::NODE_SIZE)
            }
        })
        .reduce(|a, b| a.union(b))?;
    Some((rect.expand(80.0), measured))
}
