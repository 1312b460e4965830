//! Small building blocks shared by pages.

pub mod activity_chart;
pub mod call;
pub mod copy;
pub mod error_panel;
pub mod field;
pub mod flash;
pub mod loaded;
pub mod pager;
pub mod params;
pub mod passkey;
pub mod reauth;
pub mod table;
pub mod text_area;
pub mod url;
pub mod url_error;
pub mod value_fields;
