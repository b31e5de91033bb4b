//! A code field for a SQL expression: monospace, with the part in error underlined as you
//! type and the engine's message beneath.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Response, Stroke, TextEdit, Ui};
use engine::expr::ExprError;

use super::theme;

/// Lines a long expression shows before its field scrolls, so the message beneath stays in
/// view.
const VISIBLE_LINES: f32 = 8.0;
/// Shows `text` for editing; `error` is what the engine says of its current value.
pub fn expr_field(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    error: Option<&ExprError>,
) -> Response {
    let dark = ui.visuals().dark_mode;
    let red = theme::error_color(dark);
    // The layouter runs again after each keystroke, on the new text: mark spans in that text,
    // never in the text the error was found in.
    let mut layouter = |ui: &Ui, buffer: &dyn egui::TextBuffer, wrap_width: f32| {
        let text = buffer.as_str();
        let marked = error.map(|e| marked_spans(text, e));
        let job = highlighted(ui, text, marked.as_deref(), red, wrap_width);
        ui.ctx().fonts_mut(|f| f.layout_job(job))
    };
    let line = ui.text_style_height(&egui::TextStyle::Monospace);
    let response = egui::ScrollArea::vertical()
        .id_salt(("expression", label))
        .max_height(line * VISIBLE_LINES + 8.0)
        .show(ui, |ui| {
            ui.add(
                TextEdit::multiline(text)
                    .code_editor()
                    // Tab moves to the next field, as in the rest of the form.
                    .lock_focus(false)
                    .desired_rows(1)
                    // Clear of the scroll bar, which floats over the panel's right edge.
                    .desired_width(super::form::field_width(ui))
                    .hint_text("SQL expression")
                    .layouter(&mut layouter),
            )
        })
        .inner;
    let response = super::form::named(ui, response, label);
    if let Some(e) = error {
        ui.add(egui::Label::new(egui::RichText::new(&e.message).color(red)).wrap());
    }
    response
}

/// Byte ranges to underline: every mention of the column at fault, else the whole text.
fn marked_spans(text: &str, error: &ExprError) -> Vec<(usize, usize)> {
    if let Some(column) = &error.column {
        let spans = word_spans(text, column);
        if !spans.is_empty() {
            return spans;
        }
    }
    if text.trim().is_empty() {
        Vec::new()
    } else {
        vec![(0, text.len())]
    }
}

/// Where `word` stands as a whole identifier in `text`, ignoring case.
fn word_spans(text: &str, word: &str) -> Vec<(usize, usize)> {
    if word.is_empty() {
        return Vec::new(); // nothing to find, and an empty needle would never advance
    }
    let lower = text.to_ascii_lowercase();
    let needle = word.to_ascii_lowercase();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut spans = Vec::new();
    let mut start = 0;
    while let Some(found) = lower[start..].find(&needle) {
        let (a, b) = (start + found, start + found + needle.len());
        let before = text[..a].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = text[b..].chars().next().is_none_or(|c| !is_ident(c));
        if before && after {
            spans.push((a, b));
        }
        start = b;
    }
    spans
}

fn highlighted(
    ui: &Ui,
    text: &str,
    marked: Option<&[(usize, usize)]>,
    red: Color32,
    wrap_width: f32,
) -> LayoutJob {
    let font = FontId::monospace(13.0);
    let plain = TextFormat::simple(font.clone(), ui.visuals().text_color());
    let underlined = TextFormat {
        underline: Stroke::new(1.5, red),
        color: red,
        ..TextFormat::simple(font, ui.visuals().text_color())
    };
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap_width;
    let mut at = 0;
    for &(a, b) in marked.unwrap_or(&[]) {
        if a > at {
            job.append(&text[at..a], 0.0, plain.clone());
        }
        job.append(&text[a..b], 0.0, underlined.clone());
        at = b;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::expr::Predicate;
    use engine::types::{DataType, Field, Schema};

    fn error(text: &str) -> ExprError {
        let schema = Schema::new(vec![Field::new("price", DataType::Float64)]);
        Predicate::compile(text, &schema).err().unwrap()
    }

    #[test]
    fn an_unknown_column_is_marked_where_it_stands() {
        let text = "prize > 10 AND prize < 20";
        assert_eq!(marked_spans(text, &error(text)), vec![(0, 5), (15, 20)]);
    }

    #[test]
    fn a_parse_error_marks_the_whole_expression() {
        let text = "price >";
        assert_eq!(marked_spans(text, &error(text)), vec![(0, 7)]);
    }

    #[test]
    fn marks_follow_the_text_as_it_shrinks() {
        // The error was found in a longer text; the field now holds a shorter one.
        let e = error("temperature > 25x");
        for text in ["temperature > 25", "", "t"] {
            for &(a, b) in &marked_spans(text, &e) {
                assert!(
                    a <= b
                        && b <= text.len()
                        && text.is_char_boundary(a)
                        && text.is_char_boundary(b)
                );
            }
        }
    }

    #[test]
    fn an_empty_name_marks_nothing() {
        assert_eq!(word_spans("city = ''", ""), vec![]);
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(word_spans("ab + a + A_1 + a", "a"), vec![(5, 6), (15, 16)]);
    }
}
