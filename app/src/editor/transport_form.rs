//! The forms of transport nodes (Redis Streams, NATS JetStream): the server's URL, the
//! stream, where reading starts, the payload's format, and for a source the columns of its
//! rows and their event time. The rows both transports have are shared, in each one's words.

use egui::{RichText, TextEdit, Ui};
use engine::spec::{
    DEFAULT_NATS_URL, DEFAULT_REDIS_URL, NatsSinkConfig, NatsSourceConfig, PayloadFormat,
    RedisSinkConfig, RedisSourceConfig, StreamStart,
};
use engine::types::Field;

use super::form::{self, row};
use super::inspector::{fields, time_columns};

/// What a transport calls what its streams hold and the offset reading can start at.
struct Words {
    /// One of what a stream holds: `entry`.
    item: &'static str,
    /// `entries`.
    items: &'static str,
    /// The start at an offset, as the dropdown names it.
    at_offset: &'static str,
    /// The offset's field.
    offset: &'static str,
    offset_hint: &'static str,
}

const REDIS: Words = Words {
    item: "entry",
    items: "entries",
    at_offset: "At an entry id",
    offset: "Entry id",
    offset_hint: "1700000000000-0",
};

const NATS: Words = Words {
    item: "message",
    items: "messages",
    at_offset: "At a sequence",
    offset: "Sequence",
    offset_hint: "1 is the first message",
};

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

/// The start's kind by name; choosing a kind again keeps the offset or time typed.
fn start_name(start: &StreamStart, words: &Words) -> String {
    match start {
        StreamStart::Beginning => "Beginning".into(),
        StreamStart::AtId(_) => words.at_offset.into(),
        StreamStart::AtTime(_) => "At a time".into(),
        StreamStart::NewOnly => format!("New {} only", words.items),
    }
}

fn start_rows(ui: &mut Ui, start: &mut StreamStart, words: &Words) {
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
        let name = |s: &StreamStart| start_name(s, words);
        let mut chosen = options
            .iter()
            .find(|o| name(o) == name(start))
            .cloned()
            .unwrap_or_default();
        let response = form::choice(ui, "stream-start", &mut chosen, &options, name);
        if response.changed() {
            *start = chosen;
        }
        response.on_hover_text(format!(
            "Where reading starts when the job does not restore a checkpoint; a restore \
             reads on after the last {} its checkpoint had read",
            words.item
        ))
    });
    match start {
        StreamStart::AtId(id) => {
            row(ui, words.offset, |ui| text(ui, id, words.offset_hint));
        }
        StreamStart::AtTime(time) => {
            row(ui, "Time", |ui| text(ui, time, "2024-01-02 09:30:00"));
        }
        StreamStart::Beginning | StreamStart::NewOnly => {}
    }
}

fn bounded_row(ui: &mut Ui, bounded: &mut bool, words: &Words) {
    row(ui, "Bounded", |ui| {
        ui.checkbox(bounded, "").on_hover_text(format!(
            "Read up to the {} that was last when the job started, then end; off, wait for \
             new {} until the job is stopped",
            words.item, words.items
        ))
    });
}

/// The event time rows of a stream source: its time may be a column of the payload's or
/// `own_time`, the column of the time the server took each entry.
fn event_time_rows(
    ui: &mut Ui,
    schema: &[Field],
    own_time: Option<&String>,
    event_time: &mut Option<String>,
    delay_ms: &mut u64,
    idle_timeout_ms: &mut Option<u64>,
) {
    let mut names = time_columns(schema.iter().map(|f| (f.name.as_str(), f.data_type)));
    names.extend(own_time.cloned());
    form::event_time_rows(ui, Some((event_time, &names)), delay_ms, idle_timeout_ms);
}

fn retry_row(ui: &mut Ui, retry_for_ms: &mut u64) {
    row(ui, "Retry for", |ui| {
        form::millis(ui, retry_for_ms).on_hover_text(
            "How long an unreachable server is tried again, with back-off, before the job \
             fails",
        )
    });
}

/// The columns a source decodes each payload to, below its form.
fn columns(ui: &mut Ui, schema: &mut Vec<Field>, words: &Words) {
    ui.label(RichText::new("Columns").strong());
    fields(ui, schema);
    ui.label(
        RichText::new(format!(
            "Any {} that does not decode to these columns is skipped and named in the \
             console.",
            words.item
        ))
        .weak(),
    );
}

pub fn redis_source(ui: &mut Ui, c: &mut RedisSourceConfig) {
    form::rows(ui, "redis-source", |ui| {
        row(ui, "Server", |ui| text(ui, &mut c.url, DEFAULT_REDIS_URL));
        row(ui, "Stream", |ui| text(ui, &mut c.stream, "stream key"));
        start_rows(ui, &mut c.start, &REDIS);
        bounded_row(ui, &mut c.bounded, &REDIS);
        row(ui, "Payload field", |ui| text(ui, &mut c.field, "data"));
        row(ui, "Format", |ui| format_choice(ui, &mut c.format));
        row(ui, "Entry time column", |ui| {
            form::optional_text(ui, &mut c.entry_time_column, "none")
                .on_hover_text("A TIMESTAMP column holding the time Redis added each entry")
        });
        event_time_rows(
            ui,
            &c.schema,
            c.entry_time_column.as_ref(),
            &mut c.event_time,
            &mut c.watermark_delay_ms,
            &mut c.idle_timeout_ms,
        );
        retry_row(ui, &mut c.retry_for_ms);
    });
    columns(ui, &mut c.schema, &REDIS);
}

pub fn redis_sink(ui: &mut Ui, c: &mut RedisSinkConfig) {
    form::rows(ui, "redis-sink", |ui| {
        row(ui, "Server", |ui| text(ui, &mut c.url, DEFAULT_REDIS_URL));
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

pub fn nats_source(ui: &mut Ui, c: &mut NatsSourceConfig) {
    form::rows(ui, "nats-source", |ui| {
        row(ui, "Server", |ui| text(ui, &mut c.url, DEFAULT_NATS_URL));
        row(ui, "Stream", |ui| text(ui, &mut c.stream, "stream name"))
            .on_hover_text("The JetStream stream's name");
        row(ui, "Subject", |ui| {
            text(ui, &mut c.subject, "all the stream's subjects")
        })
        .on_hover_text(
            "Only the messages of these subjects: readings.> for all below readings, \
             readings.* for one part; empty for all the stream's",
        );
        start_rows(ui, &mut c.start, &NATS);
        bounded_row(ui, &mut c.bounded, &NATS);
        row(ui, "Format", |ui| format_choice(ui, &mut c.format));
        row(ui, "Message time column", |ui| {
            form::optional_text(ui, &mut c.message_time_column, "none")
                .on_hover_text("A TIMESTAMP column holding the time JetStream stored each message")
        });
        event_time_rows(
            ui,
            &c.schema,
            c.message_time_column.as_ref(),
            &mut c.event_time,
            &mut c.watermark_delay_ms,
            &mut c.idle_timeout_ms,
        );
        retry_row(ui, &mut c.retry_for_ms);
    });
    columns(ui, &mut c.schema, &NATS);
}

pub fn nats_sink(ui: &mut Ui, c: &mut NatsSinkConfig) {
    form::rows(ui, "nats-sink", |ui| {
        row(ui, "Server", |ui| text(ui, &mut c.url, DEFAULT_NATS_URL));
        row(ui, "Stream", |ui| text(ui, &mut c.stream, "stream name")).on_hover_text(
            "The JetStream stream the subject belongs to; made, taking the subject, if there \
             is none of this name",
        );
        row(ui, "Subject", |ui| {
            text(ui, &mut c.subject, "readings.live")
        })
        .on_hover_text("The subject each row is published to, without wildcards");
        row(ui, "Format", |ui| format_choice(ui, &mut c.format));
        retry_row(ui, &mut c.retry_for_ms);
    });
    ui.label(
        RichText::new(
            "With checkpoints, rows are published when their checkpoint completes, each \
             once; without, as they arrive. A row's message id lets JetStream drop it if a \
             restore publishes it again.",
        )
        .weak(),
    );
}
