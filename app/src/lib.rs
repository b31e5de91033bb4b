//! `streamlab`: design, run and watch stream-processing pipelines.

pub mod cli;
pub mod editor;
pub mod flink_submit;
pub mod format;
pub mod gui;
pub mod lesson;
pub mod monitor;
pub mod report;
