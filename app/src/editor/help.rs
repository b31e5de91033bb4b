//! The Help menu's windows: keyboard shortcuts, the designer's tour (the README's designer
//! section, built in so it matches this build) and the expression reference.

use egui::{Context, RichText, Ui};

use super::{DUPLICATE, NEW, OPEN, REDO, REDO_Y, RUN, SAVE, SAVE_AS, UNDO};

/// The README this build was made from; its designer section is the tour.
const README: &str = include_str!("../../../README.md");
const TOUR_HEADING: &str = "## The designer";

/// A Help window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpPage {
    Shortcuts,
    Tour,
    Expressions,
}

impl HelpPage {
    pub fn title(self) -> &'static str {
        match self {
            HelpPage::Shortcuts => "Keyboard shortcuts",
            HelpPage::Tour => "A tour of the designer",
            HelpPage::Expressions => "Expression reference",
        }
    }
}

/// Shows `page` in a window until it is closed. `readme` is the README on disk, if found,
/// for the tour's "open the whole README".
pub fn show(ctx: &Context, page: &mut Option<HelpPage>, readme: Option<&std::path::Path>) {
    let Some(shown) = *page else {
        return;
    };
    let mut open = true;
    egui::Window::new(shown.title())
        .id(egui::Id::new("help"))
        .open(&mut open)
        .collapsible(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .default_size([560.0, 440.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| match shown {
                HelpPage::Shortcuts => shortcuts(ui),
                HelpPage::Tour => tour(ui, readme),
                HelpPage::Expressions => expressions(ui),
            });
        });
    if !open || ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        *page = None;
    }
}

fn shortcuts(ui: &mut Ui) {
    let ctx = ui.ctx().clone();
    let key = |s| ctx.format_shortcut(&s);
    let rows: Vec<(String, &str)> = vec![
        (key(RUN), "Run the pipeline, or stop the job"),
        (key(NEW), "New pipeline"),
        (key(OPEN), "Open a pipeline"),
        (key(SAVE), "Save"),
        (key(SAVE_AS), "Save as"),
        (key(UNDO), "Undo"),
        (format!("{} or {}", key(REDO), key(REDO_Y)), "Redo"),
        ("Del".into(), "Delete the selected nodes"),
        (key(DUPLICATE), "Duplicate the selected nodes"),
        ("Home".into(), "Fit the pipeline in view"),
        (
            "Esc".into(),
            "Show the pipeline's settings; clear the palette search",
        ),
        ("Enter or double-click".into(), "Add the palette entry"),
        ("Tab".into(), "Next field"),
        ("Shift+drag".into(), "Select several nodes"),
        ("Drag the background, scroll".into(), "Pan"),
        ("Ctrl+scroll".into(), "Zoom"),
        ("Right-click the canvas".into(), "Add a node there"),
        ("Right-click a pin".into(), "Disconnect its wires"),
    ];
    egui::Grid::new("shortcuts")
        .num_columns(2)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for (keys, what) in rows {
                ui.label(RichText::new(keys).monospace());
                ui.label(what);
                ui.end_row();
            }
        });
}

/// The README's designer section, as text: a heading per `###`, a bullet per `-`.
pub fn tour_text() -> &'static str {
    let start = README.find(TOUR_HEADING).unwrap_or(0);
    let body = &README[start + TOUR_HEADING.len().min(README.len() - start)..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim()
}

fn tour(ui: &mut Ui, readme: Option<&std::path::Path>) {
    for paragraph in join_wrapped_lines(tour_text()) {
        let text = paragraph.replace("**", "");
        match text.strip_prefix("- ") {
            Some(item) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label("•");
                    ui.label(item);
                });
            }
            None => {
                ui.label(text);
            }
        }
        ui.add_space(2.0);
    }
    if let Some(path) = readme {
        ui.separator();
        if ui
            .button("Open the whole README")
            .on_hover_text(path.display().to_string())
            .clicked()
            && super::outputs::open_path(path).is_err()
        {
            ui.ctx().copy_text(path.display().to_string());
        }
    }
}

/// Markdown paragraphs and list items, each with its wrapped lines joined.
fn join_wrapped_lines(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            open = false;
            continue;
        }
        match items.last_mut() {
            Some(last) if open && !line.starts_with("- ") => {
                last.push(' ');
                last.push_str(line);
            }
            _ => items.push(line.to_string()),
        }
        open = true;
    }
    items
}

/// What expressions may hold, grouped.
const EXPRESSIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "Operators",
        &[
            (
                "+ - * /",
                "arithmetic; integer division by zero fails the run",
            ),
            ("%", "remainder, as MOD"),
            ("= <> < <= > >=", "comparisons"),
            ("AND OR NOT", "logic, with SQL's NULL rules"),
            ("x IS [NOT] NULL", "whether a value is missing"),
            ("x [NOT] BETWEEN a AND b", "a range, ends included"),
            ("x [NOT] IN (a, b, …)", "one of a list"),
            ("CASE WHEN c THEN a [ELSE b] END", "a choice"),
            ("CAST(x AS type)", "a conversion"),
        ],
    ),
    (
        "Functions",
        &[
            ("ABS(x)", "absolute value"),
            ("FLOOR(x), CEIL(x)", "round down, round up"),
            ("MOD(a, b)", "remainder"),
            ("LOWER(s), UPPER(s)", "change case"),
            ("CONCAT(a, b, …)", "join text"),
            ("CHAR_LENGTH(s)", "length of text"),
            ("COALESCE(a, b, …)", "the first value that is not NULL"),
        ],
    ),
    (
        "Types",
        &[
            ("BIGINT", "64-bit whole number (Int64)"),
            ("DOUBLE", "64-bit real number (Float64)"),
            ("BOOLEAN", "true or false (Bool)"),
            ("STRING", "text (Utf8)"),
            ("TIMESTAMP(3)", "a time to the millisecond (Timestamp)"),
        ],
    ),
];

fn expressions(ui: &mut Ui) {
    ui.label(
        "Expressions are Flink SQL. A Filter keeps the rows where its condition is true; a Map \
         has one expression per output column, written `expr AS name`. A column without AS \
         keeps its name when it is a bare column, else it is called EXPR$<position>. An \
         expression has at most 128 operators.",
    );
    for (group, entries) in EXPRESSIONS {
        ui.add_space(6.0);
        ui.label(RichText::new(*group).strong());
        egui::Grid::new(("expressions", *group))
            .num_columns(2)
            .striped(true)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                for (form, what) in *entries {
                    ui.label(RichText::new(*form).monospace());
                    ui.label(*what);
                    ui.end_row();
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tour_is_the_readmes_designer_section() {
        let tour = tour_text();
        assert!(tour.contains("**Add nodes**"), "{tour}");
        assert!(!tour.contains("## Layout"), "it stops at the next section");
        let items = join_wrapped_lines(tour);
        assert!(items.iter().all(|i| !i.is_empty()));
        assert!(
            items
                .iter()
                .any(|i| i.starts_with("- **Wire**") && i.contains("Union")),
            "a wrapped item is one paragraph: {items:?}"
        );
    }
}
