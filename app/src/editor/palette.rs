//! The palette: every node kind, grouped by category and filtered by a search box. Drag an
//! entry onto the canvas, or double-click it, to add a node.

use egui::{RichText, Sense, Ui};
use engine::spec::{Category, NodeKind};

use super::theme;

/// What a palette entry carries while it is dragged: the kind to add.
#[derive(Clone)]
pub struct PaletteDrag(pub NodeKind);

#[derive(Default)]
pub struct Palette {
    search: String,
}

impl Palette {
    /// Shows the palette; returns a kind the user asked to add by double-click or Enter.
    pub fn show(&mut self, ui: &mut Ui) -> Option<NodeKind> {
        let mut chosen = None;
        ui.horizontal(|ui| {
            let clear_room = if self.search.is_empty() { 0.0 } else { 28.0 };
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("🔍 Search nodes")
                    .desired_width(ui.available_width() - clear_room),
            );
            super::form::named(ui, field.clone(), "Search nodes");
            // Esc in the box clears it, as the button does.
            let escaped = field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape));
            if !self.search.is_empty() {
                let clear = ui.small_button("🗙").on_hover_text("Clear the search (Esc)");
                if super::form::named(ui, clear, "Clear search").clicked() || escaped {
                    self.search.clear();
                }
            }
        });
        ui.add_space(4.0);
        let query = self.search.trim().to_lowercase();
        let kinds: Vec<NodeKind> = NodeKind::all()
            .into_iter()
            .filter(|k| {
                query.is_empty()
                    || k.name().to_lowercase().contains(&query)
                    || k.description().to_lowercase().contains(&query)
            })
            .collect();
        if kinds.is_empty() {
            ui.label(RichText::new("No node matches").weak());
        }
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for group in groups(&kinds) {
                let (name, color) = match group {
                    Group::Category(c) => (theme::category_name(c), theme::category_color(c, dark)),
                    Group::Transport => {
                        ("Transport", theme::category_color(Category::Source, dark))
                    }
                };
                egui::CollapsingHeader::new(RichText::new(name).strong().color(color))
                    .id_salt(name)
                    .default_open(true)
                    .show(ui, |ui| {
                        for kind in kinds.iter().filter(|k| Group::of(k) == group) {
                            if entry(ui, kind) {
                                chosen = Some(kind.clone());
                            }
                        }
                    });
            }
        });
        chosen
    }
}

/// A heading of the palette: a category, or the message transports, whose sources and
/// sinks sit together.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Category(Category),
    Transport,
}

impl Group {
    fn of(kind: &NodeKind) -> Group {
        if kind.is_transport() {
            Group::Transport
        } else {
            Group::Category(kind.category())
        }
    }
}

/// Groups in palette order, those with at least one kind shown. New categories of the
/// engine appear here as they come.
fn groups(kinds: &[NodeKind]) -> Vec<Group> {
    let mut seen = Vec::new();
    for kind in kinds {
        if !seen.contains(&Group::of(kind)) {
            seen.push(Group::of(kind));
        }
    }
    seen
}

/// One draggable entry; true when double-clicked or activated with Enter.
fn entry(ui: &mut Ui, kind: &NodeKind) -> bool {
    let button = egui::Button::new(kind.name())
        .sense(Sense::click_and_drag())
        .min_size(egui::vec2(ui.available_width(), 24.0));
    let response = ui.add(button).on_hover_text(kind.description());
    if response.dragged() {
        response.dnd_set_drag_payload(PaletteDrag(kind.clone()));
        ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
    }
    let enter = response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    response.double_clicked() || response.triple_clicked() || enter
}
