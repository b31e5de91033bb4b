//! The forms of transport nodes: the server's URL, the stream, where reading starts, the
//! payload's field and format, and for a source the columns of its rows.

use egui::{RichText, TextEdit, Ui};
use engine::spec::{PayloadFormat, RedisSinkConfig, RedisSourceConfig, StreamStart};

use super::form::{self, row};
use super::inspector::{fields, time_columns};

fn text(ui: &mut Ui, value: &mut String, hint: &str) -> egui::Response {
    ui.add(
        TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(form::field_width(ui)),
    )
}

fn format_choice(ui: &mut Ui, format: &mut PayloadFormat) -> egui::Response {
    form::choice(
        ui,
        "payload-format",
        format,
        &[PayloadFormat::Json, PayloadFormat::Csv],
        |f| match f {
            PayloadFormat::Json => "JSON object".into(),
            PayloadFormat::Csv => "CSV record".into(),
        },
    )
}

/// The start's kind by name; choosing a kind again keeps the id or time typed.
fn start_name(start: &StreamStart) -> String {
    match start {
        StreamStart::Beginning => "Beginning".into(),
        StreamStart::AtId(_) => "At an entry id".into(),
        StreamStart::AtTime(_) => "At a time".into(),
        StreamStart::NewOnly => "New entries only".into(),
    }
}

fn start_rows(ui: &mut Ui, start: &mut StreamStart) {
    row(ui, "Start", |ui| {
        let options = [
            StreamStart::Beginning,
            match start {
                StreamStart::AtId(id) => StreamStart::AtId(id.clone()),
                _ => StreamStart::AtId(String::new()),
            },
            match start {
                StreamStart::AtTime(t) => StreamStart::AtTime(t.clone()),
                _ => StreamStart::AtTime(String::new()),
            },
            StreamStart::NewOnly,
        ];
        let mut chosen = options
            .iter()
            .find(|o| start_name(o) == start_name(start))
            .cloned()
            .unwrap_or_default();
        let response = form::choice(ui, "stream-start", &mut chosen, &options, start_name);
        if response.changed() {
            *start = chosen;
        }
        response.on_hover_text(
            "Where reading starts when the job does not restore a checkpoint; a restore \
             reads on after the last entry its checkpoint had read",
        )
    });
    match start {
        StreamStart::AtId(id) => {
            row(ui, "Entry id", |ui| text(ui, id, "1700000000000-0"));
        }
        StreamStart::AtTime(time) => {
            row(ui, "Time", |ui| text(ui, time, "2024-01-02 09:30:00"));
        }
        StreamStart::Beginning | StreamStart::NewOnly => {}
    }
}

fn retry_row(ui: &mut Ui, retry_for_ms: &mut u64) {
    row(ui, "Retry for", |ui| {
        form::millis(ui, retry_for_ms).on_hover_text(
            "How long an unreachable server is tried again, with back-off, before the job \
             fails",
        )
    });
}

pub fn redis_source(ui: &mut Ui, c: &mut RedisSourceConfig) {
    form::rows(ui, "redis-source", |ui| {
        row(ui, "Server", |ui| {
            text(ui, &mut c.url, "redis://127.0.0.1:6379")
        });
        row(ui, "Stream", |ui| text(ui, &mut c.stream, "stream key"));
        start_rows(ui, &mut c.start);
        row(ui, "Bounded", |ui| {
            ui.checkbox(&mut c.bounded, "").on_hover_text(
                "Read up to the entry that was last when the job started, then end; off, \
                 wait for new entries until the job is stopped",
            )
        });
        row(ui, "Payload field", |ui| text(ui, &mut c.field, "data"));
        row(ui, "Format", |ui| format_choice(ui, &mut c.format));
        row(ui, "Entry time column", |ui| {
            form::optional_text(ui, &mut c.entry_time_column, "none")
                .on_hover_text("A TIMESTAMP column holding the time Redis added each entry")
        });
        let mut names = time_columns(c.schema.iter().map(|f| (f.name.as_str(), f.data_type)));
        names.extend(c.entry_time_column.clone());
        form::event_time_rows(
            ui,
            Some((&mut c.event_time, &names)),
            &mut c.watermark_delay_ms,
            &mut c.idle_timeout_ms,
        );
        retry_row(ui, &mut c.retry_for_ms);
    });
    ui.label(RichText::new("Columns").strong());
    fields(ui, &mut c.schema);
    ui.label(
        RichText::new(
            "Entries that do not decode to these columns are skipped and named in the console.",
        )
        .weak(),
    );
}

pub fn redis_sink(ui: &mut Ui, c: &mut RedisSinkConfig) {
    form::rows(ui, "redis-sink", |ui| {
        row(ui, "Server", |ui| {
            text(ui, &mut c.url, "redis://127.0.0.1:6379")
        });
        row(ui, "Stream", |ui| text(ui, &mut c.stream, "stream key"));
        row(ui, "Payload field", |ui| text(ui, &mut c.field, "data"));
        row(ui, "Format", |ui| format_choice(ui, &mut c.format));
        retry_row(ui, &mut c.retry_for_ms);
    });
    ui.label(
        RichText::new(
            "With checkpoints, rows are added when their checkpoint completes, each once; \
             without, as they arrive.",
        )
        .weak(),
    );
}
