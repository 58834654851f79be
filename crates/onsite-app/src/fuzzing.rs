//! Entry points for the fuzz targets (`fuzz/`, see docs/security.md): the checks of submitted
//! forms that the use cases run before touching the store, called as the use cases call them.
//! Not an API: nothing else uses this module, and it adds no behaviour.

use crate::feedback::{self, FeedbackInput, Problem};
use crate::records::staff::{
    AgreementInput, AssetInput, InvoiceInput, WorkOrderInput, agreement_fields, asset_fields,
    invoice_fields, work_order_fields,
};
use onsite_domain::feedback::{QuestionKind, QuestionLabels};
use onsite_domain::invoice::{Totals, totals};
use onsite_domain::{InvalidInput, SurveyQuestionId};
use onsite_store::feedback::Question;

/// The staff's agreement form, checked.
pub fn agreement_form(input: &AgreementInput) -> Result<(), InvalidInput> {
    agreement_fields(input).map(drop)
}

/// The staff's asset form, checked.
pub fn asset_form(input: &AssetInput) -> Result<(), InvalidInput> {
    asset_fields(input).map(drop)
}

/// The staff's work order form, checked.
pub fn work_order_form(input: &WorkOrderInput) -> Result<(), InvalidInput> {
    work_order_fields(input).map(drop)
}

/// The staff's invoice form, checked, and the totals of its lines.
pub fn invoice_form(input: &InvoiceInput) -> Result<Totals, InvalidInput> {
    invoice_fields(input).map(|f| totals(&f.lines))
}

/// Send Feedback's answers checked against a survey of three questions (`q-1` a required
/// rating, `q-2` yes/no, `q-3` text).
pub fn feedback_answers(input: &FeedbackInput) -> Result<(), Vec<Problem>> {
    let question = |id, kind, required| Question {
        id: SurveyQuestionId(id),
        kind,
        labels: QuestionLabels::new([("en", "Question")]).expect("a valid label"),
        required,
        position: id,
        active: true,
    };
    let survey = [
        question(1, QuestionKind::Rating, true),
        question(2, QuestionKind::YesNo, false),
        question(3, QuestionKind::Text, false),
    ];
    feedback::validate(input, &survey).map(drop)
}
