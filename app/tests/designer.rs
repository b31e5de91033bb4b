//! The designer, driven through its widgets as a user would (no display needed).

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use engine::PipelineSpec;
use engine::spec::NodeKind;
use engine::types::DataType;
use streamlab::editor::Editor;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn hello_path() -> PathBuf {
    repo().join("saved-graphs/hello.ron")
}

fn harness(editor: Editor) -> Harness<'static, Editor> {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, editor: &mut Editor| editor.ui(ui), editor);
    harness.run();
    harness
}

/// A scratch folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("streamlab-designer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The widget called `label`, leaving out plain text labels of the same words.
fn widget<'a>(harness: &'a Harness<'_, Editor>, label: &'a str) -> egui_kittest::Node<'a> {
    let mut found: Vec<_> = harness
        .get_all_by_label(label)
        .filter(|n| n.accesskit_node().role() != Role::Label)
        .collect();
    assert_eq!(found.len(), 1, "one widget called {label:?}");
    found.remove(0)
}

fn click(harness: &mut Harness<'_, Editor>, label: &str) {
    widget(harness, label).click();
    harness.run();
}

fn click_button(harness: &mut Harness<'_, Editor>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run();
}

fn double_click(harness: &mut Harness<'_, Editor>, label: &str) {
    // Earlier clicks must be long past, or these two would count as a triple click.
    harness.run_steps(40);
    for _ in 0..2 {
        harness.get_by_role_and_label(Role::Button, label).click();
        harness.step();
    }
    harness.run();
}

/// Replaces the text of the field (or number) called `label` with `text`, then leaves it.
fn type_into(harness: &mut Harness<'_, Editor>, label: &str, text: &str) {
    widget(harness, label).focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    widget(harness, label).type_text(text);
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
}

/// Adds a node from the palette and gives it `id`.
fn add_node(harness: &mut Harness<'_, Editor>, kind: &str, id: &str) {
    double_click(harness, kind);
    type_into(harness, "Id", id);
    assert_eq!(harness.state().focused_id().as_deref(), Some(id));
}

/// Wires the focused node's input to `from` through the inspector.
fn connect_from(harness: &mut Harness<'_, Editor>, from: &str) {
    click(harness, "Connect to in…");
    click(harness, &format!("from {from}"));
}

fn without_layout(mut spec: PipelineSpec) -> PipelineSpec {
    spec.layout = Default::default();
    spec
}

#[test]
fn builds_hello_from_an_empty_canvas() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    assert!(h.state().spec().nodes.is_empty());

    add_node(&mut h, "Datagen", "sensors");
    type_into(&mut h, "Field 1 end", "100");
    type_into(&mut h, "Field 2 name", "sensor");
    type_into(&mut h, "Field 2 min", "1");
    type_into(&mut h, "Field 2 max", "5");
    click_button(&mut h, "+ Add field");
    type_into(&mut h, "Field 3 name", "temperature");
    click(&mut h, "Field 3 type");
    click(&mut h, "DOUBLE");
    click(&mut h, "Field 3 min set");
    type_into(&mut h, "Field 3 min", "-5");
    click(&mut h, "Field 3 max set");
    type_into(&mut h, "Field 3 max", "35");
    type_into(&mut h, "Rows per second", "50");
    type_into(&mut h, "Seed", "42");

    add_node(&mut h, "Filter", "hot");
    connect_from(&mut h, "sensors");
    type_into(&mut h, "Condition", "temperature > 25");

    add_node(&mut h, "Map", "label");
    connect_from(&mut h, "hot");
    let columns = [
        "id",
        "CONCAT('sensor-', CAST(sensor AS STRING)) AS sensor",
        "FLOOR(temperature) AS celsius",
        "temperature * 9 / 5 + 32 AS fahrenheit",
    ];
    for (i, text) in columns.iter().enumerate() {
        click_button(&mut h, "+ Add column");
        type_into(&mut h, &format!("Column {}", i + 1), text);
    }

    add_node(&mut h, "Console", "print");
    connect_from(&mut h, "label");

    h.key_press(Key::Escape);
    h.run();
    type_into(&mut h, "Name", "hello");
    type_into(
        &mut h,
        "Description",
        "Readings from five sensors: keep the hot ones, label them and print them.",
    );
    type_into(&mut h, "Batch size", "16");
    assert!(
        h.state().analysis().is_valid(),
        "{:?}",
        h.state().analysis().problems
    );

    let dir = scratch("hello");
    let path = dir.join("hello.ron");
    assert!(h.state_mut().save_to(&path));
    let saved = engine::spec::load_file(&path).unwrap();
    let shipped = engine::spec::load_file(&hello_path()).unwrap();
    assert_eq!(without_layout(saved.clone()), without_layout(shipped));
    assert_eq!(saved.layout.nodes.len(), 4, "every node's place is saved");

    // The file the designer wrote runs unchanged from the command line.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(["run", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.lines().count() > 0 && stdout.lines().all(|l| l.starts_with("+I[")),
        "{stdout}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Whether some text on screen contains `text`.
fn shows(harness: &Harness<'_, Editor>, text: &str) -> bool {
    harness.root().children_recursive().any(|n| {
        let node = n.accesskit_node();
        node.value().is_some_and(|v| v.contains(text))
            || node.label().is_some_and(|l| l.contains(text))
    })
}

/// Selects a node by clicking its title on the canvas.
fn select_on_canvas(harness: &mut Harness<'_, Editor>, id: &str) {
    let title = |h: &Harness<'_, Editor>| {
        let rect = h
            .state()
            .screen_rect_of(id)
            .expect("the node is on the canvas");
        egui::pos2(rect.center().x, rect.top() + 12.0)
    };
    if !harness
        .state()
        .canvas_rect()
        .shrink(8.0)
        .contains(title(harness))
    {
        // Out of view: fit the pipeline in view first, as a user would.
        harness.key_press(Key::Home);
        harness.run();
    }
    let title = title(harness);
    harness.hover_at(title);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: title,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
    assert_eq!(harness.state().focused_id().as_deref(), Some(id));
}

#[test]
fn an_invalid_expression_shows_on_its_node_and_in_the_problems_list_until_fixed() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    assert!(h.state().analysis().problems.is_empty());
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temprature > 25");

    let problems: Vec<_> = h.state().analysis().problems_of("hot").cloned().collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("temprature"),
        "{}",
        problems[0].message
    );
    // In the problems list, as a button that leads to the node…
    let entry = format!("⚠ `hot`: {}", problems[0].message);
    assert!(shows(&h, &entry), "the problems list names the node");
    // …and on the node itself, under its title.
    assert!(
        shows(&h, "⚠ condition: unknown column"),
        "the node shows the error"
    );
    assert!(shows(&h, "⚠ 1 error"), "the toolbar counts it");

    // Clicking the problem selects the node.
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().focused_id(), None);
    click(&mut h, &entry);
    assert_eq!(h.state().focused_id().as_deref(), Some("hot"));

    type_into(&mut h, "Condition", "temperature > 25");
    assert!(h.state().analysis().problems.is_empty());
    assert!(!shows(&h, "unknown column"));
    assert!(shows(&h, "No problems"));
}

/// A tiny deterministic generator, so a failing sequence can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn undo_and_redo_restore_exact_states_over_twenty_random_edits() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    let mut rng = Lcg(7);
    let mut states = vec![h.state().spec()];
    let kinds = ["Datagen", "Filter", "Map", "Union", "Console", "KeyBy"];
    let mut made = 0;
    while made < 20 {
        let ids: Vec<String> = h
            .state()
            .spec()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect();
        match rng.below(5) {
            0 => double_click(&mut h, kinds[rng.below(kinds.len())]),
            1 if !ids.is_empty() => {
                if h.state().focused_id().is_none() {
                    select_on_canvas(&mut h, &ids[0]);
                }
                h.key_press(Key::Delete);
                h.run();
            }
            2 if h.state().focused_id().is_some() => {
                type_into(&mut h, "Id", &format!("node{made}"));
            }
            3 => {
                h.key_press(Key::Escape);
                h.run();
                type_into(&mut h, "Batch size", &(made + 1).to_string());
            }
            4 if h.state().focused_id().is_some()
                && h.query_by_label("Connect to in…").is_some() =>
            {
                click(&mut h, "Connect to in…");
                let choices: Vec<String> = h
                    .get_all_by_label_contains("from ")
                    .filter_map(|n| n.accesskit_node().label())
                    .collect();
                if choices.is_empty() {
                    h.key_press(Key::Escape);
                    h.run();
                    continue;
                }
                click(&mut h, &choices[rng.below(choices.len())]);
            }
            _ => continue,
        }
        let state = h.state().spec();
        if state != *states.last().unwrap() {
            states.push(state);
            made += 1;
        }
    }
    assert_eq!(states.len(), 21);
    h.key_press(Key::Escape);
    h.run();
    for expected in states.iter().rev().skip(1) {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        assert_eq!(h.state().spec(), *expected);
    }
    assert!(
        !h.state().can_undo(),
        "twenty steps back is where we started"
    );
    for (i, expected) in states.iter().enumerate().skip(1) {
        let redo = if i % 2 == 0 {
            (Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
        } else {
            (Modifiers::COMMAND, Key::Y)
        };
        h.key_press_modifiers(redo.0, redo.1);
        h.run();
        assert_eq!(h.state().spec(), *expected);
    }
}

#[test]
fn runs_hello_and_shows_console_output_and_counts_that_match_the_engine() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click_running(&mut h, "▶ Run");
    assert_eq!(*h.state().run_state(), streamlab::editor::RunState::Running);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !matches!(
        h.state().run_state(),
        streamlab::editor::RunState::Finished { .. }
    ) {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            h.state().run_state()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run();
    }
    // The same pipeline on the engine alone.
    let spec = engine::spec::load_file(&hello_path()).unwrap();
    let console = std::sync::Arc::new(engine::operators::ConsoleCapture::new(1000));
    let options = engine::RunOptions {
        base_dir: repo().join("saved-graphs"),
        console: console.clone(),
        ..Default::default()
    };
    let summary = engine::JobHandle::start(&spec, options)
        .unwrap()
        .wait()
        .unwrap();
    for expected in &summary.nodes {
        let shown = h.state().node_metrics(&expected.id).unwrap();
        assert_eq!(
            (shown.records_in, shown.records_out),
            (expected.records_in, expected.records_out),
            "node {}",
            expected.id
        );
    }
    let lines = h.state().console_lines().to_vec();
    assert_eq!(lines, console.lines());
    assert!(!lines.is_empty());
    assert!(
        shows(&h, lines.last().unwrap()),
        "the console panel shows the output"
    );
    assert!(shows(&h, &format!("Console ({})", lines.len())));
    let print = h.state().node_metrics("print").unwrap().records_in;
    assert!(
        shows(&h, &format!("in {print}")),
        "the sink shows its count"
    );
}

#[test]
fn a_malformed_or_newer_file_shows_an_error_and_keeps_the_graph() {
    let dir = scratch("bad-files");
    let malformed = dir.join("malformed.ron");
    std::fs::write(&malformed, "(\n  version: 1,\n  nodes: [ oops ],\n)\n").unwrap();
    let newer = dir.join("newer.ron");
    let text = std::fs::read_to_string(hello_path()).unwrap();
    std::fs::write(&newer, text.replace("version: 1", "version: 99")).unwrap();

    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 30");
    let before = h.state().spec();
    let dangling = dir.join("dangling.ron");
    std::fs::write(
        &dangling,
        text.replace(
            "(from: \"label\", to: \"print\")",
            "(from: \"label\", to: \"printer\")",
        ),
    )
    .unwrap();
    for (path, says) in [
        (&malformed, "line 3"),
        (&newer, "version 99"),
        (&dangling, "no node `printer`"),
    ] {
        h.state_mut().open(path);
        h.run();
        let message = h.state().error_message().unwrap().to_string();
        assert!(message.contains(says), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(shows(&h, "Something went wrong"));
        assert_eq!(h.state().spec(), before, "the graph is untouched");
        assert!(
            h.state().document().is_dirty(),
            "and so are its unsaved changes"
        );
        click(&mut h, "OK");
        assert!(h.state().error_message().is_none());
        assert!(!shows(&h, "Something went wrong"));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

fn repaint_delay(harness: &Harness<'_, Editor>) -> std::time::Duration {
    harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

#[test]
fn an_idle_window_asks_for_no_repaint_and_a_running_one_for_ten_a_second() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    h.run();
    assert_eq!(repaint_delay(&h), std::time::Duration::MAX);
    click_running(&mut h, "▶ Run");
    h.step();
    assert!(repaint_delay(&h) <= std::time::Duration::from_millis(100));
    click_running(&mut h, "■ Stop");
    while h.state().run_state() == &streamlab::editor::RunState::Stopping {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert!(matches!(
        h.state().run_state(),
        streamlab::editor::RunState::Stopped { .. }
    ));
    h.run();
    assert_eq!(repaint_delay(&h), std::time::Duration::MAX);
}

#[test]
fn unsaved_changes_are_asked_about_and_saving_writes_the_file() {
    let dir = scratch("unsaved");
    let path = dir.join("hello.ron");
    std::fs::copy(hello_path(), &path).unwrap();
    let mut h = harness(Editor::new(Some(&path)));
    assert!(!h.state().document().is_dirty());
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 30");
    assert!(h.state().document().is_dirty());
    assert!(shows(&h, "hello.ron (modified)"));

    // New asks first; Cancel keeps everything.
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    assert!(shows(&h, "Unsaved changes"));
    click(&mut h, "Cancel");
    assert_eq!(h.state().spec().nodes.len(), 4);

    // Ctrl+S writes the file, which `streamlab run` reads unchanged.
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().document().is_dirty());
    let saved = engine::spec::load_file(&path).unwrap();
    assert_eq!(
        saved.node("hot").unwrap().kind,
        h.state().spec().node("hot").unwrap().kind
    );
    assert!(!saved.layout.nodes.is_empty());

    // Now New goes ahead without asking; Don't save drops a later change.
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Id", "warm");
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    click(&mut h, "Don't save");
    assert!(h.state().spec().nodes.is_empty());
    assert_eq!(
        engine::spec::load_file(&path).unwrap(),
        saved,
        "the file kept its saved state"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn deleting_from_an_expression_in_error_keeps_the_field_working() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 25xyz");
    assert_eq!(h.state().analysis().problems.len(), 1);
    widget(&h, "Condition").focus();
    h.run();
    h.key_press(Key::End);
    h.run();
    for _ in 0..3 {
        // Each keystroke lays out a shorter text than the error was found in.
        h.key_press(Key::Backspace);
        h.run();
    }
    h.key_press(Key::Tab);
    h.run();
    let spec = h.state().spec();
    let hot = spec.node("hot").unwrap();
    assert_eq!(
        hot.kind,
        engine::spec::NodeKind::Filter(engine::spec::FilterConfig {
            condition: "temperature > 25".into()
        })
    );
    assert!(h.state().analysis().problems.is_empty());
}

#[test]
fn the_default_example_opens_as_a_copy_that_saving_cannot_overwrite() {
    let shipped = std::fs::read_to_string(hello_path()).unwrap();
    let mut h = harness(Editor::new(None));
    assert_eq!(h.state().spec().name, "hello");
    assert!(h.state().document().path.is_none());
    assert!(shows(&h, "hello (example copy)"));
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 30");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    // The dialog reads its folder in the background, repainting until it has: on a busy
    // machine that takes more frames than a quiet window would.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !shows(&h, "Save File") {
        assert!(
            std::time::Instant::now() < deadline,
            "Save asks where, like Save As"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert_eq!(std::fs::read_to_string(hello_path()).unwrap(), shipped);
    // Its relative paths still resolve from the examples folder: it runs as shipped.
    h.key_press(Key::Escape);
    h.run_steps(5);
}

/// Asks the window to close, as its close button does.
fn request_close(harness: &mut Harness<'_, Editor>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.step();
}

fn sends(harness: &Harness<'_, Editor>, command: &egui::ViewportCommand) -> bool {
    harness.output().viewport_output[&egui::ViewportId::ROOT]
        .commands
        .contains(command)
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    request_close(&mut h);
    assert!(
        !sends(&h, &egui::ViewportCommand::CancelClose),
        "nothing to lose: it closes"
    );

    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 30");
    request_close(&mut h);
    assert!(sends(&h, &egui::ViewportCommand::CancelClose));
    h.run();
    assert!(shows(&h, "Unsaved changes"));
    click(&mut h, "Cancel");
    assert!(
        !shows(&h, "Unsaved changes"),
        "the window stays, with its changes"
    );
    assert!(h.state().document().is_dirty());

    request_close(&mut h);
    h.run();
    widget(&h, "Don't save").click();
    h.step();
    assert!(sends(&h, &egui::ViewportCommand::Close), "then it closes");
}

#[test]
fn an_id_that_is_taken_or_empty_is_not_applied() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    let before = h.state().spec();
    select_on_canvas(&mut h, "hot");
    for bad in ["label", "  "] {
        type_into(&mut h, "Id", bad);
        assert_eq!(h.state().spec(), before, "{bad:?} is refused");
        assert_eq!(h.state().focused_id().as_deref(), Some("hot"));
    }
    type_into(&mut h, "Id", " warm ");
    assert_eq!(h.state().focused_id().as_deref(), Some("warm"));
    assert_eq!(
        h.state().spec().edges[0].to,
        "warm",
        "wires follow the new id"
    );
}

#[test]
fn undo_from_the_toolbar_keeps_text_typed_in_a_field_still_focused() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "temperature > 30");
    widget(&h, "Condition").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    widget(&h, "Condition").type_text("temperature > 31");
    h.run();
    let condition = |h: &Harness<'_, Editor>| match &h.state().spec().node("hot").unwrap().kind {
        engine::spec::NodeKind::Filter(c) => c.condition.clone(),
        other => panic!("{other:?}"),
    };
    click(&mut h, "Undo");
    assert_eq!(condition(&h), "temperature > 30");
    click(&mut h, "Redo");
    assert_eq!(condition(&h), "temperature > 31");
}

/// Drags a wire on the canvas from one pin to another, in small steps as a hand would.
fn drag_wire(harness: &mut Harness<'_, Editor>, from: egui::Pos2, to: egui::Pos2) {
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for i in 1..=6 {
        harness.hover_at(from.lerp(to, i as f32 / 6.0));
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.step();
}

#[test]
fn a_wire_dragged_on_the_canvas_connects_or_is_refused_with_the_reason() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    let before = h.state().spec();
    let pin = |h: &Harness<'_, Editor>, id: &str, output: bool| {
        h.state()
            .pin_position(id, output)
            .expect("the pin is drawn")
    };

    // label → hot would close a loop: refused, and the reason shows by the pointer.
    let (from, to) = (pin(&h, "label", true), pin(&h, "hot", false));
    drag_wire(&mut h, from, to);
    assert!(shows(&h, "Cannot connect"), "the refusal is shown");
    assert!(shows(&h, "would close a loop (hot → label → hot)"));
    assert_eq!(h.state().spec().edges, before.edges);
    // It goes away by itself.
    for _ in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(1));
        h.run_steps(60);
    }
    assert!(!shows(&h, "Cannot connect"));

    // A second stream into the filter's single input: refused too.
    double_click(&mut h, "Datagen");
    let (from, to) = (pin(&h, "datagen", true), pin(&h, "hot", false));
    drag_wire(&mut h, from, to);
    assert!(shows(&h, "already gets one from `sensors`"));
    assert_eq!(h.state().spec().edges, before.edges);

    // A wire that can work is made.
    double_click(&mut h, "Blackhole");
    let (from, to) = (pin(&h, "datagen", true), pin(&h, "blackhole", false));
    drag_wire(&mut h, from, to);
    h.run();
    let edges = h.state().spec().edges;
    assert_eq!(edges.len(), before.edges.len() + 1);
    assert!(
        edges
            .iter()
            .any(|e| e.from == "datagen" && e.to == "blackhole")
    );
}

/// `hello.ron` with a sequence that lasts for hours: a job that runs until it is stopped.
fn endless_hello(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(hello_path()).unwrap();
    let path = dir.join("endless.ron");
    let endless = text.replace("end: 100)", "end: 100000000)");
    assert_ne!(endless, text);
    std::fs::write(&path, endless).unwrap();
    path
}

fn right_click_at(harness: &mut Harness<'_, Editor>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.step();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        harness.step();
    }
    harness.run();
}

#[test]
fn a_running_pipeline_is_read_only_until_stop_and_edit() {
    let dir = scratch("read-only");
    let mut h = harness(Editor::new(Some(&endless_hello(&dir))));
    let before = without_layout(h.state().spec());
    click_running(&mut h, "▶ Run");
    assert!(h.state().is_read_only());
    assert!(shows(&h, "the canvas is read-only"));

    // Every way to change the pipeline is refused while it runs.
    select_on_canvas(&mut h, "hot");
    h.key_press(Key::Delete);
    h.run();
    double_click(&mut h, "Filter");
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    h.run();
    let input = h.state().pin_position("print", false).unwrap();
    right_click_at(&mut h, input);
    assert!(shows(&h, "stop it to change its wires"));
    assert!(widget(&h, "Condition").accesskit_node().is_disabled());
    assert!(widget(&h, "Undo").accesskit_node().is_disabled());
    h.key_press(Key::Escape);
    h.run();
    assert!(widget(&h, "Batch size").accesskit_node().is_disabled());
    assert_eq!(without_layout(h.state().spec()), before);
    assert_eq!(*h.state().run_state(), streamlab::editor::RunState::Running);

    // One click stops the job and gives the pipeline back.
    click_button(&mut h, "■ Stop and edit");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while h.state().is_read_only() {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run();
    }
    assert!(!shows(&h, "the canvas is read-only"));
    select_on_canvas(&mut h, "hot");
    h.key_press(Key::Delete);
    h.run();
    assert!(
        h.state().spec().node("hot").is_none(),
        "editing works again"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Steps the window until the run ends; returns how it ended.
fn wait_for_run(harness: &mut Harness<'_, Editor>) -> streamlab::editor::RunState {
    use streamlab::editor::RunState;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while matches!(
        harness.state().run_state(),
        RunState::Running | RunState::Stopping
    ) {
        assert!(std::time::Instant::now() < deadline, "the run ends");
        std::thread::sleep(std::time::Duration::from_millis(20));
        // A running job repaints as it goes: frames, not waiting for quiet.
        harness.run_steps(2);
    }
    harness.state().run_state().clone()
}

#[test]
fn a_failed_runs_error_leaves_with_the_fix_and_stays_in_the_run_history() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "hot");
    type_into(&mut h, "Condition", "id / 0 > 1");
    click_running(&mut h, "▶ Run");
    let failed = wait_for_run(&mut h);
    assert!(
        matches!(&failed, streamlab::editor::RunState::Failed(m) if m.contains("division by zero")),
        "{failed:?}"
    );
    click(&mut h, "Problems (0)");
    assert!(shows(&h, "Failed: `hot`"), "the status bar says so");
    assert!(shows(&h, "⚠ last run:"), "and the problems list");
    assert!(shows(&h, "run failed:"), "and the node");

    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(*h.state().run_state(), streamlab::editor::RunState::Idle);
    assert!(shows(&h, "Ready"));
    assert!(!shows(&h, "last run"));
    assert!(!shows(&h, "run failed"));
    assert!(!shows(&h, "division by zero"));

    click(&mut h, "Runs (1)");
    assert!(shows(
        &h,
        "Run 1 · hello · Failed: `hot`: condition: division by zero"
    ));
}

#[test]
fn an_example_copy_writes_its_output_into_the_user_folder_and_says_where() {
    let dir = scratch("example-output");
    let shipped_output = repo().join("out/large-trades.csv");
    let shipped_before = std::fs::metadata(&shipped_output)
        .and_then(|m| m.modified())
        .ok();
    let mut editor = Editor::new(None);
    editor.set_output_root(dir.clone());
    editor.open_example(&repo().join("saved-graphs/stock-quotes.ron"));
    let mut h = harness(editor);
    let expected = dir.join("stock-quotes/out/large-trades.csv");
    select_on_canvas(&mut h, "trades");
    assert!(shows(&h, "your Streamlab output folder"));
    assert!(shows(&h, &expected.display().to_string()));

    click_running(&mut h, "▶ Run");
    let state = wait_for_run(&mut h);
    assert!(
        matches!(state, streamlab::editor::RunState::Finished { .. }),
        "{state:?}"
    );
    let written = std::fs::read_to_string(&expected).unwrap();
    let rows = written.lines().count() as u64 - 1;
    assert!(rows > 0);
    assert_eq!(
        std::fs::metadata(&shipped_output)
            .and_then(|m| m.modified())
            .ok(),
        shipped_before,
        "nothing is written beside the shipped examples"
    );
    // The Runs tab opens by itself, as nothing was printed, and says where the rows went.
    let said = format!("`trades` wrote {rows} rows to");
    assert!(shows(&h, &said), "{said}");
    assert!(shows(&h, "Open folder"));
    let files = h.state().output_files();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].path.clone(), files[0].rows), (expected, rows));
    std::fs::remove_dir_all(dir).unwrap();
}

fn harness_sized(editor: Editor, size: [f32; 2]) -> Harness<'static, Editor> {
    let mut harness = Harness::builder()
        .with_size(size)
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, editor: &mut Editor| editor.ui(ui), editor);
    harness.run();
    harness
}

/// Every node's place on screen, left to right.
fn screen_rects(harness: &Harness<'_, Editor>) -> Vec<egui::Rect> {
    let mut rects: Vec<egui::Rect> = harness
        .state()
        .spec()
        .nodes
        .iter()
        .map(|n| harness.state().screen_rect_of(&n.id).unwrap())
        .collect();
    rects.sort_by(|a, b| a.left().total_cmp(&b.left()));
    rects
}

/// After Fit: the whole pipeline in view, or, when that would make text unreadable, the
/// sources in view at the least readable zoom; never a node cut by the canvas's left edge.
fn assert_fitted(harness: &Harness<'_, Editor>, what: &str) {
    let canvas = harness.state().canvas_rect().expand(0.5);
    let zoom = harness.state().zoom();
    let rects = screen_rects(harness);
    assert!(
        (0.75..=1.0).contains(&zoom),
        "{what}: zoom {zoom} stays readable"
    );
    assert!(
        canvas.contains_rect(rects[0]),
        "{what}: the first node {:?} is in view {canvas:?}",
        rects[0]
    );
    let all_in = rects.iter().all(|r| canvas.contains_rect(*r));
    assert!(
        all_in || zoom == 0.75,
        "{what}: all in view, or as far out as text stays readable"
    );
}

/// hello.ron with `extra` Maps between its Map and its Console, written to `dir`.
fn long_chain_file(dir: &Path, extra: usize) -> PathBuf {
    use engine::spec::{EdgeSpec, MapConfig, NodeKind, NodeSpec};
    let mut spec = engine::spec::load_file(&hello_path()).unwrap();
    spec.edges.retain(|e| e.to != "print");
    let mut last = "label".to_string();
    for i in 0..extra {
        let id = format!("step{i}");
        let map = MapConfig {
            columns: vec!["id".into()],
        };
        spec.nodes
            .push(NodeSpec::new(id.clone(), NodeKind::Map(map)));
        spec.edges.push(EdgeSpec::new(last, id.clone()));
        last = id;
    }
    spec.edges.push(EdgeSpec::new(last, "print"));
    let path = dir.join(format!("chain-{extra}.ron"));
    std::fs::write(&path, engine::spec::to_ron(&spec)).unwrap();
    path
}

#[test]
fn fit_shows_the_pipeline_in_the_visible_canvas_at_every_width() {
    let dir = scratch("fit");
    for size in [[900.0, 600.0], [1280.0, 800.0], [1920.0, 1080.0]] {
        for extra in [0, 6, 12] {
            let mut h = harness_sized(Editor::new(Some(&long_chain_file(&dir, extra))), size);
            h.key_press(Key::Home);
            h.run();
            assert_fitted(&h, &format!("{} nodes at {size:?}", 4 + extra));
        }
    }
    // A pipeline that fits readably is shown whole.
    let h = harness_sized(Editor::new(Some(&hello_path())), [1280.0, 800.0]);
    let canvas = h.state().canvas_rect();
    assert!(screen_rects(&h).iter().all(|r| canvas.contains_rect(*r)));

    // Sixteen nodes, the last thirteen added by double-click after one another.
    let mut h = harness(Editor::new(Some(&hello_path())));
    h.state_mut().focus("label");
    h.run();
    for _ in 0..13 {
        double_click(&mut h, "Map");
    }
    assert_eq!(h.state().spec().nodes.len(), 17);
    h.key_press(Key::Home);
    h.run();
    assert_fitted(&h, "a chain built by double-click");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn nodes_added_from_scratch_start_at_100_percent_line_up_downstream_and_stay_in_view() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    assert_eq!(h.state().zoom(), 1.0, "an empty canvas starts at 100%");
    let mut ids = Vec::new();
    for kind in ["Datagen", "Filter", "Map", "Console"] {
        let before = h.state().spec();
        let view_before = h
            .state()
            .screen_rect_of(ids.last().map_or("", |s: &String| s));
        double_click(&mut h, kind);
        let id = h.state().focused_id().unwrap();
        if let Some(last) = ids.last() {
            connect_from(&mut h, last);
        }
        let canvas = h.state().canvas_rect();
        let new = h.state().screen_rect_of(&id).unwrap();
        assert!(canvas.contains_rect(new), "{id} is in view");
        if let Some(previous) = ids.last() {
            let followed = h.state().screen_rect_of(previous).unwrap();
            assert!(new.left() > followed.right(), "{id} is right of {previous}");
            assert!(canvas.contains_rect(followed), "{previous} stays in view");
            if before.nodes.len() == 1 {
                assert_eq!(
                    Some(followed.min),
                    view_before.map(|r| r.min),
                    "the view did not move for a node that was already in view"
                );
            }
        }
        for earlier in &ids {
            let rect = h.state().screen_rect_of(earlier).unwrap();
            assert!(canvas.contains_rect(rect), "{earlier} stays in view");
        }
        assert!(h.state().zoom() >= 0.75);
        ids.push(id);
    }
    let layout = h.state().spec().layout.nodes;
    let ys: Vec<f32> = ids.iter().map(|id| layout[id].y).collect();
    assert!(ys.iter().all(|y| *y == ys[0]), "no drift: {ys:?}");

    // A second sink off the map goes beside the first, below it, not back past the map.
    select_on_canvas(&mut h, "map");
    double_click(&mut h, "Console");
    let second = h.state().focused_id().unwrap();
    let layout = h.state().spec().layout.nodes;
    assert_eq!(layout[&second].x, layout["console"].x);
    assert!(layout[&second].y > layout["console"].y);
}

#[test]
fn the_inspector_keeps_its_width_and_long_text_wraps_within_it() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    let width = h.state().inspector_width();
    assert!(width > 0.0);
    for id in ["sensors", "print", "hot"] {
        select_on_canvas(&mut h, id);
        assert_eq!(h.state().inspector_width(), width, "{id}'s form fits");
    }
    // A long message while an id is typed.
    widget(&h, "Id").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    widget(&h, "Id").type_text("label");
    h.run();
    assert!(shows(&h, "another node has this id"));
    assert_eq!(h.state().inspector_width(), width);
}

#[test]
fn a_long_condition_scrolls_in_its_field_and_its_error_stays_in_view_with_filter_advice() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "hot");
    let long = (0..141)
        .map(|i| format!("temperature > {i}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    type_into(&mut h, "Condition", &long);
    let error = h
        .get_all_by_label_contains("operators, more than")
        .find(|n| n.accesskit_node().role() == Role::Label)
        .expect("the error is shown under the field")
        .rect();
    let inspector_bottom = h.state().canvas_rect().bottom();
    assert!(
        error.bottom() <= inspector_bottom,
        "the error {error:?} is in view, above {inspector_bottom}"
    );
    assert!(shows(
        &h,
        "conditions joined by AND can be Filters one after another"
    ));
    assert!(
        !shows(&h, "several Map columns"),
        "no Map advice for a Filter"
    );
}

#[test]
fn number_fields_show_what_they_store_and_say_when_a_value_was_set_in_range() {
    use engine::spec::{FieldKind, NodeKind};
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "sensors");
    type_into(&mut h, "Field 1 end", "99999999999999999999999");
    let spec = h.state().spec();
    let NodeKind::Datagen(config) = &spec.node("sensors").unwrap().kind else {
        panic!("a datagen")
    };
    assert_eq!(
        config.fields[0].kind,
        FieldKind::Sequence {
            start: 1,
            end: i64::MAX
        }
    );
    assert_eq!(
        widget(&h, "Field 1 end").value().as_deref(),
        Some("9223372036854775807"),
        "the field shows the value stored"
    );
    assert!(shows(&h, "a BIGINT holds at most 9223372036854775807"));

    h.key_press(Key::Escape);
    h.run();
    type_into(&mut h, "Batch size", "0");
    assert_eq!(h.state().spec().job.batch_size, 1);
    assert!(shows(
        &h,
        "0 is out of range: a batch holds at least 1 row. Set to 1."
    ));
    assert!(h.query_by_label("row").is_some(), "1 row, not 1 rows");
    assert!(h.query_by_label("rows").is_none());
    type_into(&mut h, "Batch size", "16");
    assert!(
        !shows(&h, "out of range"),
        "the note goes with the next entry"
    );
    assert!(h.query_by_label("rows").is_some());
}

#[test]
fn the_examples_menu_describes_each_example() {
    let mut h = harness(Editor::new(None));
    click(&mut h, "Examples");
    assert!(shows(&h, "Trades from a CSV of quotes"));
    h.get_by_label_contains("nexmark").click();
    h.run();
    for name in ["q0", "q1", "q2"] {
        let path = repo().join(format!("saved-graphs/nexmark/{name}.ron"));
        let description = engine::spec::load_file(&path).unwrap().description;
        assert!(!description.is_empty(), "{name} has a description");
        assert!(shows(&h, &description), "{name}: {description}");
    }
}

#[test]
fn new_rows_take_the_keyboard_and_the_palette_search_clears() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    select_on_canvas(&mut h, "label");
    click_button(&mut h, "+ Add column");
    h.run();
    assert!(widget(&h, "Column 5").is_focused(), "type straight away");
    h.key_press(Key::Tab);
    h.run();

    widget(&h, "Search nodes").focus();
    h.run();
    widget(&h, "Search nodes").type_text("key");
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, "Datagen").is_none());
    click(&mut h, "Clear search");
    assert!(h.query_by_role_and_label(Role::Button, "Datagen").is_some());
}

/// Clicks the button called `label`; returns what that frame put on the clipboard.
fn click_to_copy(harness: &mut Harness<'_, Editor>, label: &str) -> Option<String> {
    widget(harness, label).click();
    harness.step();
    let text = harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
    harness.run();
    text
}

/// The console lines on screen.
fn console_in_view(harness: &Harness<'_, Editor>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| l.starts_with("+I["))
        .collect()
}

#[test]
fn the_console_searches_pauses_clears_and_copies() {
    let dir = scratch("console");
    let mut h = harness(Editor::new(Some(&endless_hello(&dir))));
    click_running(&mut h, "▶ Run");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while h.state().console_lines().len() < 3 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run();
    }
    // Paused, the view holds still while output goes on.
    click(&mut h, "⏸ Pause");
    let held = console_in_view(&h);
    let printed = h.state().console_lines().len();
    while h.state().console_lines().len() < printed + 2 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run();
    }
    let newer = h.state().console_lines().last().unwrap().clone();
    assert_eq!(console_in_view(&h), held, "paused");
    assert!(!held.contains(&newer));
    click(&mut h, "▶ Resume");
    assert!(shows(&h, &newer));

    // Copy takes the lines in view; a search narrows them.
    let all = click_to_copy(&mut h, "Copy").expect("copied");
    assert!(all.lines().count() >= 3 && all.contains(&newer));
    type_into(&mut h, "Search output", "sensor-3");
    let found = click_to_copy(&mut h, "Copy").expect("copied");
    assert!(found.lines().all(|l| l.contains("sensor-3")), "{found}");

    // Clear empties the view; new output appears after it.
    click(&mut h, "Clear");
    let cleared_at = h.state().console_lines().len();
    assert!(!shows(&h, &newer));
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
    assert!(h.state().console_lines().len() >= cleared_at);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_help_menu_has_shortcuts_a_tour_and_the_expression_reference() {
    let mut h = harness(Editor::new(None));
    for (page, says) in [
        ("Keyboard shortcuts", "Fit the pipeline in view"),
        (
            "A tour of the designer",
            "Add nodes by dragging them from the palette",
        ),
        ("Expression reference", "COALESCE(a, b, …)"),
    ] {
        click(&mut h, "Help");
        click(&mut h, page);
        assert!(shows(&h, says), "{page} says {says:?}");
    }
}

#[test]
fn browse_picks_a_data_file_starting_beside_the_current_one() {
    let mut h = harness(Editor::new(Some(
        &repo().join("saved-graphs/stock-quotes.ron"),
    )));
    select_on_canvas(&mut h, "quotes");
    type_into(&mut h, "Path", "../assets/data/missing.csv");
    assert!(shows(&h, "does not exist"));
    click(&mut h, "Browse…");
    assert!(
        shows(&h, "quotes.csv"),
        "the dialog opens in the data folder"
    );
    h.get_by_label_contains("quotes.csv").click();
    h.run();
    let open = h
        .get_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.trim_end().ends_with("Open"))
        })
        .expect("the dialog's Open button");
    open.click();
    h.run();
    let spec = h.state().spec();
    let engine::spec::NodeKind::FileSource(config) = &spec.node("quotes").unwrap().kind else {
        panic!("a file source")
    };
    assert_eq!(config.path, "../assets/data/quotes.csv");
    assert!(h.state().analysis().problems.is_empty());
}

#[test]
fn builds_and_runs_a_keyed_tumbling_window_from_the_palette() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");

    // 1,000 rows, one per millisecond of event time, over 101 values.
    add_node(&mut h, "Datagen", "gen");
    click(&mut h, "Rows per second set");
    click(&mut h, "Event time");
    click(&mut h, "id");
    add_node(&mut h, "KeyBy", "by_value");
    connect_from(&mut h, "gen");
    click(&mut h, "+ Add key column");
    click(&mut h, "value");
    add_node(&mut h, "Window", "per_100ms");
    connect_from(&mut h, "by_value");
    type_into(&mut h, "Size", "100");
    add_node(&mut h, "Console", "print");
    connect_from(&mut h, "per_100ms");
    assert!(
        h.state().analysis().is_valid(),
        "{:?}",
        h.state().analysis().problems
    );
    // The window's two outputs are drawn and typed: results, and the late rows.
    let late = h
        .state()
        .analysis()
        .port_type("per_100ms", "late")
        .expect("the late output is typed");
    assert_eq!(late.schema.names().collect::<Vec<_>>(), ["id", "value"]);

    click_running(&mut h, "▶ Run");
    let state = wait_for_run(&mut h);
    assert!(
        matches!(state, streamlab::editor::RunState::Finished { .. }),
        "{state:?}"
    );
    let lines = h.state().console_lines().to_vec();
    // Windows of 100 ms over ids 1 to 1000: [0, 100) to [1000, 1100), a row per value seen.
    let mut counted = 0;
    for line in &lines {
        let cells: Vec<&str> = line
            .trim_start_matches("+I[")
            .trim_end_matches(']')
            .split(", ")
            .collect();
        assert_eq!(cells.len(), 4, "{line}");
        assert!(cells[0].starts_with("1970-01-01 00:00:0"), "{line}");
        counted += cells[3].parse::<u64>().unwrap();
    }
    assert_eq!(counted, 1000, "every row counted once: {lines:?}");
    assert!(shows(&h, lines.last().unwrap()));
}

#[test]
fn a_new_datagen_gets_a_time_field_for_event_time_in_one_click() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    add_node(&mut h, "Datagen", "readings");
    click_button(&mut h, "Add a time field");
    let spec = h.state().spec();
    let NodeKind::Datagen(source) = &spec.nodes[0].kind else {
        panic!("a Datagen: {:?}", spec.nodes[0]);
    };
    let field = source.fields.last().expect("a field");
    assert_eq!(
        (field.name.as_str(), field.data_type),
        ("ts", DataType::Timestamp)
    );
    assert_eq!(source.event_time.as_deref(), Some("ts"));
    assert!(
        h.query_by_label("Add a time field").is_none(),
        "the offer goes once there is a time field"
    );
    let on_source: Vec<_> = engine::validate::analyze(&spec)
        .problems
        .into_iter()
        .filter(|p| p.node.as_deref() == Some("readings") && p.is_error())
        .collect();
    assert!(on_source.is_empty(), "{on_source:?}");
}

/// Every text on screen.
fn texts(harness: &Harness<'_, Editor>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or(node.value())
        })
        .collect()
}

#[test]
fn a_running_job_shows_live_rates_on_its_nodes_and_wires_and_charts_in_the_metrics_tab() {
    let dir = scratch("monitor");
    let mut h = harness(Editor::new(Some(&endless_hello(&dir))));
    click_running(&mut h, "▶ Run");
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_millis(1500) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run();
    }
    // hello's source makes 50 rows a second.
    let on_screen = texts(&h);
    let source_rate = on_screen
        .iter()
        .find(|t| t.starts_with("out ") && t.ends_with("/s"))
        .unwrap_or_else(|| panic!("no live rate on the source: {on_screen:?}"));
    let per_second: f64 = source_rate
        .trim_start_matches("out ")
        .trim_end_matches("/s")
        .parse()
        .unwrap();
    assert!((25.0..=100.0).contains(&per_second), "{source_rate}");
    assert!(
        on_screen
            .iter()
            .any(|t| t.starts_with("in ") && t.contains("/s · out ")),
        "a transform shows its rates in and out: {on_screen:?}"
    );

    click(&mut h, "Metrics");
    let samples = texts(&h)
        .into_iter()
        .find(|t| t.ends_with(" s") && t.contains(" samples, "))
        .expect("the metrics tab says how many samples it charts");
    let count: usize = samples.split(' ').next().unwrap().parse().unwrap();
    assert!(count >= 10, "{samples}");
    for title in [
        "Rows per second",
        "Latency (ms)",
        "Watermark lag (s)",
        "Busiest",
    ] {
        assert!(shows(&h, title), "{title}");
    }
    assert!(shows(&h, "no event time here"), "hello has no event time");

    // A node's own charts and its instances.
    select_on_canvas(&mut h, "print");
    assert!(shows(&h, "`print` by instance"));
    click(&mut h, "⏸ Hold charts");
    assert!(
        shows(&h, "▶ Follow"),
        "paused charts offer to follow the run again"
    );
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
    assert!(
        texts(&h).iter().any(|t| t.contains(" samples, ")),
        "the charts stay after the run"
    );
}

/// Clicks `label` while a job runs: a running job repaints ten times a second, so take a
/// few frames rather than wait for quiet.
fn click_running(harness: &mut Harness<'_, Editor>, label: &str) {
    widget(harness, label).click();
    harness.run_steps(3);
}

/// Runs frames for `ms` milliseconds of real time.
fn run_for(harness: &mut Harness<'_, Editor>, ms: u64) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_millis(ms) {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(2);
    }
}

/// The sink's count once it holds still for 300 ms.
fn settled_count(harness: &mut Harness<'_, Editor>, node: &str) -> u64 {
    let mut last = harness
        .state()
        .node_metrics(node)
        .map_or(0, |m| m.records_in);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "{node}'s count never settles"
        );
        run_for(harness, 300);
        let now = harness
            .state()
            .node_metrics(node)
            .map_or(0, |m| m.records_in);
        if now == last {
            return now;
        }
        last = now;
    }
}

#[test]
fn pause_holds_the_sources_and_a_step_lets_exactly_ten_rows_reach_the_sink() {
    let dir = scratch("pause");
    let file = dir.join("steps.ron");
    std::fs::write(
        &file,
        r#"(version: 1, name: "steps", nodes: [
            (id: "gen", kind: Datagen(fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 100000000))],
                rows_per_second: 200)),
            (id: "print", kind: Console()),
        ], edges: [(from: "gen", to: "print")], job: (batch_size: 16, buffer_timeout_ms: 20))"#,
    )
    .unwrap();
    let mut h = harness(Editor::new(Some(&file)));
    click_running(&mut h, "▶ Run");
    run_for(&mut h, 400);
    click_running(&mut h, "⏸ Pause job");
    assert!(shows(&h, "Paused"), "the status says so");
    let before = settled_count(&mut h, "print");
    let lines = h.state().console_lines().len();
    assert!(before > 0);
    run_for(&mut h, 300);
    assert_eq!(h.state().node_metrics("print").unwrap().records_in, before);
    click_running(&mut h, "Step 10");
    assert_eq!(settled_count(&mut h, "print"), before + 10);
    assert_eq!(
        h.state().console_lines().len(),
        lines + 10,
        "and the console printed them"
    );
    click_running(&mut h, "▶ Resume job");
    run_for(&mut h, 300);
    assert!(h.state().node_metrics("print").unwrap().records_in > before + 10);
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

#[test]
fn clicking_a_wires_rate_peeks_at_the_rows_crossing_it_which_the_console_printed() {
    let dir = scratch("peek");
    let mut h = harness(Editor::new(Some(&endless_hello(&dir))));
    click_running(&mut h, "▶ Run");
    run_for(&mut h, 600);
    click_running(&mut h, "peek at label → print");
    assert!(shows(&h, "Peek: label → print"), "the peek window opens");
    run_for(&mut h, 1500);
    let rows = h.state().peeked_rows();
    assert!(!rows.is_empty(), "rows crossed the wire");
    // A row on the wire reaches the console a moment later.
    run_for(&mut h, 300);
    let printed = h.state().console_lines().to_vec();
    for row in &rows {
        let line = format!("+I[{}]", row.join(", "));
        assert!(printed.contains(&line), "{line} was printed: {printed:?}");
    }
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

/// An endless paced count into the console, taking checkpoints when asked (and every minute).
fn counting(dir: &Path, job: &str) -> PathBuf {
    let file = dir.join("counting.ron");
    std::fs::write(
        &file,
        format!(
            r#"(version: 1, name: "counting", nodes: [
            (id: "gen", kind: Datagen(fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 100000000))],
                rows_per_second: 200)),
            (id: "print", kind: Console()),
        ], edges: [(from: "gen", to: "print")],
        job: (batch_size: 4, buffer_timeout_ms: 20, checkpoint_interval_ms: 60000, {job}))"#
        ),
    )
    .unwrap();
    file
}

/// Runs frames until `done` holds, for at most ten seconds.
fn run_until(
    harness: &mut Harness<'_, Editor>,
    what: &str,
    done: impl Fn(&Harness<'_, Editor>) -> bool,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done(harness) {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        run_for(harness, 50);
    }
}

#[test]
fn checkpoint_now_adds_a_completed_row_and_a_restore_goes_on_from_the_savepoint() {
    let dir = scratch("checkpoints");
    let mut editor = Editor::new(Some(&counting(&dir, "")));
    editor.keep_checkpoints_in(dir.join("chk"));
    let mut h = harness(editor);
    click_running(&mut h, "▶ Run");
    run_for(&mut h, 300);
    click_running(&mut h, "Checkpoints (0)");
    click_running(&mut h, "Checkpoint now");
    run_until(&mut h, "the checkpoint completes", |h| {
        shows(h, "completed")
    });
    assert!(shows(&h, "Checkpoints (1)"), "{:?}", texts(&h));
    // The charts mark it on their time axis, with a legend entry of its own.
    click_running(&mut h, "Metrics");
    run_for(&mut h, 300);
    assert!(
        texts(&h).iter().any(|t| t == "checkpoint"),
        "{:?}",
        texts(&h)
    );
    click_running(&mut h, "Checkpoints (1)");
    click_running(&mut h, "■ Stop with checkpoint");
    wait_for_run(&mut h);
    assert!(shows(&h, "Checkpoints (2)"), "{:?}", texts(&h));
    // The savepoint says where the source was; the restored run goes on from the next row.
    let position = texts(&h)
        .into_iter()
        .filter_map(|t| t.strip_prefix("gen[0] row ").map(str::to_string))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .expect("the source's position is listed");
    let restore = h
        .root()
        .query_all_by_label("Restore")
        .next()
        .expect("a Restore button");
    restore.click();
    h.run_steps(3);
    run_until(&mut h, "the restored run prints", |h| {
        !h.state().console_lines().is_empty()
    });
    assert_eq!(
        h.state().console_lines()[0],
        format!("+I[{}]", position + 1),
        "the restored run starts right after the savepoint"
    );
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

#[test]
fn an_injected_failure_shows_restarting_then_running_with_the_restart_count() {
    let dir = scratch("restarts");
    let job = r#"restart: FixedDelay(attempts: 3, delay_ms: 400),
        inject_failure: (node: "print", after_rows: 40)"#;
    let mut editor = Editor::new(Some(&counting(&dir, job)));
    editor.keep_checkpoints_in(dir.join("chk"));
    let mut h = harness(editor);
    click_running(&mut h, "▶ Run");
    run_until(&mut h, "the status says it restarts", |h| {
        shows(h, "Restarting after a failure (restart 1)…")
    });
    run_until(&mut h, "it runs again and counts the restart", |h| {
        shows(h, "Running… (restarted once)")
    });
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

#[test]
fn restoring_into_an_edited_pipeline_says_which_state_is_kept_and_which_starts_empty() {
    let dir = scratch("edit-restore");
    let mut editor = Editor::new(Some(&counting(&dir, "")));
    editor.keep_checkpoints_in(dir.join("chk"));
    let mut h = harness(editor);
    click_running(&mut h, "▶ Run");
    run_for(&mut h, 300);
    click_running(&mut h, "■ Stop with checkpoint");
    wait_for_run(&mut h);
    // Edit: the source at two instances cannot take up one instance's position.
    select_on_canvas(&mut h, "gen");
    click(&mut h, "Parallelism set");
    type_into(&mut h, "Parallelism", "2");
    click_running(&mut h, "Checkpoints (1)");
    let restore = h
        .root()
        .query_all_by_label("Restore")
        .next()
        .expect("the savepoint is still listed after the edit");
    restore.click();
    h.run_steps(3);
    let plan = h
        .state()
        .restore_asked()
        .cloned()
        .expect("the dialog asks first");
    assert_eq!(plan.dropped.len(), 1, "{plan:?}");
    assert_eq!(plan.dropped[0].0, "gen");
    assert!(shows(&h, "Start empty: `gen`"), "{:?}", texts(&h));
    click_running(&mut h, "Run from the checkpoint");
    run_until(&mut h, "the edited pipeline runs and prints", |h| {
        !h.state().console_lines().is_empty()
    });
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

/// A headless `streamlab run --serve` of `file` with checkpoints in `dir`, and its address.
fn served(file: &Path, dir: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(["run", file.to_str().unwrap(), "--serve", "127.0.0.1:0"])
        .arg("--checkpoint-dir")
        .arg(dir.join("served-chk"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start streamlab");
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    for line in stderr.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("serving the REST API on http://") {
            let address = rest.split(' ').next().unwrap().to_string();
            // Read on, so the run never writes into a closed pipe.
            std::thread::spawn(move || stderr.for_each(drop));
            return (child, address);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("streamlab never said where it serves");
}

#[test]
fn a_job_served_elsewhere_is_watched_with_the_same_charts_and_checkpoint_trigger() {
    let dir = scratch("remote");
    let (mut child, address) = served(&counting(&dir, ""), &dir);
    let mut editor = Editor::new(Some(&hello_path()));
    editor.watch_remote(&address).expect("it connects");
    let mut h = harness(editor);
    run_until(&mut h, "samples arrive", |h| {
        texts(h)
            .iter()
            .any(|t| t.ends_with(" s") && t.contains(" samples, "))
            && !shows(h, "0 samples")
    });
    assert!(shows(&h, "Watching `counting`"), "{:?}", texts(&h));
    assert!(shows(&h, "RUNNING"), "{:?}", texts(&h));
    assert!(shows(&h, "Rows per second"), "the charts draw");
    click_running(&mut h, "Checkpoints (0)");
    click_running(&mut h, "Checkpoint now");
    // Its details, with the source position, come a poll after its status.
    run_until(
        &mut h,
        "the remote checkpoint completes, with its source position",
        |h| shows(h, "completed") && shows(h, "Checkpoints (1)") && shows(h, "gen[0] row "),
    );
    click_running(&mut h, "Stop watching");
    assert!(!shows(&h, "Watching `counting`"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn every_instances_watermark_is_listed_and_sorted_by_the_column_clicked() {
    let path = repo().join("saved-graphs/monitor/sensor-windows.ron");
    let mut h = harness(Editor::new(Some(&path)));
    click_running(&mut h, "▶ Run");
    click_running(&mut h, "Metrics");
    run_for(&mut h, 1500);
    click_running(&mut h, "Watermarks");
    assert!(shows(&h, "Lag ▼"), "furthest behind first: {:?}", texts(&h));
    for instance in ["readings[0]", "per_second[0]", "print[0]"] {
        assert!(shows(&h, instance), "{instance}: {:?}", texts(&h));
    }
    click_running(&mut h, "Node");
    assert!(shows(&h, "Node ▲"), "{:?}", texts(&h));
    let order: Vec<String> = texts(&h)
        .into_iter()
        .filter(|t| t.ends_with("[0]"))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    click_running(&mut h, "■ Stop");
    wait_for_run(&mut h);
}

#[test]
fn file_export_to_flink_sql_shows_the_script_to_copy_or_why_a_node_cannot_go() {
    let dir = scratch("flink-export");
    let pipeline = dir.join("joins.ron");
    std::fs::copy(repo().join("saved-graphs/flink/joins.ron"), &pipeline).unwrap();
    let mut h = harness(Editor::new(Some(&pipeline)));
    click(&mut h, "File");
    click(&mut h, "Export to Flink SQL…");
    assert!(shows(&h, "Export to Flink SQL"));
    // A new window's first frames measure it; clicks count once it has settled.
    h.run_steps(20);
    let copied =
        click_to_copy(&mut h, "Copy script").expect("Copy puts the script on the clipboard");
    assert!(copied.contains("CREATE TABLE `views`"), "{copied}");
    assert!(copied.contains("EXECUTE STATEMENT SET"), "{copied}");
    click(&mut h, "As a PyFlink program");
    let program = click_to_copy(&mut h, "Copy script").unwrap();
    assert!(program.contains("inserts.add_insert_sql("), "{program}");
    click_button(&mut h, "Save beside the pipeline");
    assert!(shows(&h, "Saved to"));
    let saved = std::fs::read_to_string(dir.join("joins.py")).unwrap();
    assert_eq!(saved, program);
    click_button(&mut h, "Close");
    assert!(!shows(&h, "Export to Flink SQL"));

    // A late output has nowhere to go in Flink: the dialog says so and names the node.
    let mut h = harness(Editor::new(Some(
        &repo().join("saved-graphs/windows/late-events.ron"),
    )));
    click(&mut h, "File");
    click(&mut h, "Export to Flink SQL…");
    assert!(shows(&h, "This pipeline cannot run on Flink as it is:"));
    assert!(
        shows(&h, "node `per_5s`: its late output is connected"),
        "the reason names the Window"
    );
    assert!(
        h.query_by_role_and_label(Role::Button, "Copy script")
            .is_none()
    );
}

#[test]
fn a_redis_stream_source_from_the_transport_group_warns_when_its_server_does_not_answer() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    assert!(shows(&h, "Transport"), "the palette has a Transport group");
    add_node(&mut h, "RedisSource", "orders");
    assert!(
        h.state()
            .analysis()
            .problems
            .iter()
            .any(|p| p.message.contains("stream key is empty")),
        "{:?}",
        h.state().analysis().problems
    );
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    type_into(&mut h, "Stream", "orders");
    click_button(&mut h, "+ Add column");
    add_node(&mut h, "Blackhole", "discard");
    connect_from(&mut h, "orders");
    select_on_canvas(&mut h, "orders");
    // Typed last, and stepped by hand: the answer comes from another thread, at its time.
    widget(&h, "Server").focus();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(2);
    widget(&h, "Server").type_text(&format!("redis://127.0.0.1:{port}"));
    h.run_steps(2);
    h.key_press(Key::Tab);
    h.run_steps(2);
    let warned = |h: &Harness<'_, Editor>| {
        h.state().analysis().problems.iter().any(|p| {
            !p.is_error()
                && p.node.as_deref() == Some("orders")
                && p.message
                    .starts_with(&format!("Redis at 127.0.0.1:{port} does not answer"))
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !warned(&h) {
        assert!(
            std::time::Instant::now() < deadline,
            "no warning: {:?}",
            h.state().analysis().problems
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(2);
    }
    assert!(
        h.state().analysis().is_valid(),
        "a warning does not stop a run"
    );
    let spec = h.state().spec();
    let Some(NodeKind::RedisSource(source)) = spec.node("orders").map(|n| &n.kind) else {
        panic!("{spec:?}");
    };
    assert_eq!(source.stream, "orders");
    assert_eq!(source.schema.len(), 1);
    assert!(shows(&h, "stream orders"), "the node says what it reads");
}

/// The problems the analysis has for node `id`, errors or warnings, as messages.
fn problems_of(h: &Harness<'_, Editor>, id: &str, errors: bool) -> Vec<String> {
    h.state()
        .analysis()
        .problems
        .iter()
        .filter(|p| p.node.as_deref() == Some(id) && p.is_error() == errors)
        .map(|p| p.message.clone())
        .collect()
}

#[test]
fn a_nats_source_and_sink_from_the_transport_group_are_checked_as_they_are_filled() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    // Folding the Transport group hides the NATS kinds: they are listed in it.
    for kind in ["NatsSource", "NatsSink"] {
        assert!(h.query_by_role_and_label(Role::Button, kind).is_some());
    }
    click(&mut h, "Transport");
    for kind in ["NatsSource", "NatsSink"] {
        assert!(h.query_by_role_and_label(Role::Button, kind).is_none());
    }
    assert!(h.query_by_role_and_label(Role::Button, "Datagen").is_some());
    click(&mut h, "Transport");

    add_node(&mut h, "NatsSource", "readings");
    let errors = problems_of(&h, "readings", true);
    assert!(
        errors
            .iter()
            .any(|m| m.contains("the stream's name is empty")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|m| m.contains("declare the columns")),
        "{errors:?}"
    );
    type_into(&mut h, "Stream", "READINGS");
    type_into(&mut h, "Subject", "readings.>");
    click_button(&mut h, "+ Add column");
    // The new column's name has the keyboard.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.event(egui::Event::Text("sensor".into()));
    h.run();
    assert_eq!(problems_of(&h, "readings", true), Vec::<String>::new());

    // The message time column is one the event time can be read from.
    type_into(&mut h, "Message time column", "stored_at");
    click(&mut h, "Event time");
    click(&mut h, "stored_at");
    click(&mut h, "Start");
    click(&mut h, "At a sequence");
    type_into(&mut h, "Sequence", "0");
    let errors = problems_of(&h, "readings", true);
    assert!(
        errors.iter().any(|m| m.contains("not a stream sequence")),
        "{errors:?}"
    );
    type_into(&mut h, "Sequence", "5");
    assert_eq!(problems_of(&h, "readings", true), Vec::<String>::new());
    assert!(
        shows(&h, "stream READINGS, readings.>, from seq 5"),
        "the node says what it reads"
    );

    add_node(&mut h, "NatsSink", "live");
    connect_from(&mut h, "readings");
    type_into(&mut h, "Stream", "LIVE");
    let errors = problems_of(&h, "live", true);
    assert!(
        errors.iter().any(|m| m.contains("the subject is empty")),
        "{errors:?}"
    );
    type_into(&mut h, "Subject", "readings.*");
    let errors = problems_of(&h, "live", true);
    assert!(
        errors.iter().any(|m| m.contains("has a wildcard")),
        "a row is published to one subject: {errors:?}"
    );
    assert!(shows(&h, "has a wildcard"), "the node shows its error");
    type_into(&mut h, "Subject", "readings.live");
    assert_eq!(problems_of(&h, "live", true), Vec::<String>::new());
    assert!(shows(&h, "to stream LIVE, readings.live"));
    assert!(h.state().analysis().is_valid());

    let spec = h.state().spec();
    let Some(NodeKind::NatsSource(source)) = spec.node("readings").map(|n| &n.kind) else {
        panic!("{spec:?}");
    };
    assert_eq!(source.stream, "READINGS");
    assert_eq!(source.subject, "readings.>");
    assert_eq!(source.start, engine::spec::StreamStart::AtId("5".into()));
    assert_eq!(source.message_time_column.as_deref(), Some("stored_at"));
    assert_eq!(source.event_time.as_deref(), Some("stored_at"));
    assert_eq!(
        source
            .schema
            .iter()
            .map(|f| (f.name.as_str(), f.data_type))
            .collect::<Vec<_>>(),
        [("sensor", DataType::Utf8)]
    );
    let Some(NodeKind::NatsSink(sink)) = spec.node("live").map(|n| &n.kind) else {
        panic!("{spec:?}");
    };
    assert_eq!(
        (sink.stream.as_str(), sink.subject.as_str()),
        ("LIVE", "readings.live")
    );
}

#[test]
fn a_nats_source_warns_when_its_server_does_not_answer() {
    let mut h = harness(Editor::new(Some(&hello_path())));
    click(&mut h, "File");
    click(&mut h, "New Ctrl+N");
    add_node(&mut h, "NatsSource", "readings");
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    type_into(&mut h, "Stream", "READINGS");
    click_button(&mut h, "+ Add column");
    add_node(&mut h, "Blackhole", "discard");
    connect_from(&mut h, "readings");
    select_on_canvas(&mut h, "readings");
    // Typed last, and stepped by hand: the answer comes from another thread, at its time.
    widget(&h, "Server").focus();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(2);
    widget(&h, "Server").type_text(&format!("nats://127.0.0.1:{port}"));
    h.run_steps(2);
    h.key_press(Key::Tab);
    h.run_steps(2);
    let warned = |h: &Harness<'_, Editor>| {
        problems_of(h, "readings", false)
            .iter()
            .any(|m| m.starts_with(&format!("NATS at 127.0.0.1:{port} does not answer")))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !warned(&h) {
        assert!(
            std::time::Instant::now() < deadline,
            "no warning: {:?}",
            h.state().analysis().problems
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(2);
    }
    assert!(
        h.state().analysis().is_valid(),
        "a warning does not stop a run"
    );
    let spec = h.state().spec();
    let Some(NodeKind::NatsSource(source)) = spec.node("readings").map(|n| &n.kind) else {
        panic!("{spec:?}");
    };
    assert_eq!(source.url, format!("nats://127.0.0.1:{port}"));
    // A server started meanwhile (here one that only greets, as NATS with JetStream does):
    // the warning goes without an edit, once no field is being typed in.
    h.key_press(Key::Escape);
    h.run_steps(2);
    let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let server = {
        let up = up.clone();
        std::thread::spawn(move || {
            while up.load(std::sync::atomic::Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        use std::io::Write;
                        let greeting = b"INFO {\"server_id\":\"x\",\"jetstream\":true}\r\n";
                        let _ = (&stream).write_all(greeting);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        })
    };
    let wait_until = |h: &mut Harness<'_, Editor>, warning: bool, what: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while warned(h) != warning {
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: {:?}",
                h.state().analysis().problems
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
            h.run_steps(1);
        }
    };
    wait_until(&mut h, false, "the warning stays");
    // And the server stopped again: the warning comes back, still without an edit.
    up.store(false, std::sync::atomic::Ordering::Relaxed);
    server.join().unwrap();
    wait_until(&mut h, true, "no warning comes");
}
