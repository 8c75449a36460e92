"""Forms and wording of insurer statements and disputes: the mapping of an
insurer's files, the import of a month, the dispute's steps; the labels of
fields, statuses and date formats; the message of every problem code."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, MonthField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.commissions.disputes import NOTE_MAX
from app.commissions.statement_formats import FIELDS, MAX_HEADER_ROW, REQUIRED_FIELDS, Mapping
from app.crm.forms import AmountField, VersionField

FIELD_LABELS = {
    "policy_number": _l("Policy number"),
    "due_date": _l("Due date or period"),
    "premium": _l("Premium"),
    "amount": _l("Commission"),
    "rate": _l("Rate"),
    "client_name": _l("Client name"),
}
LINE_STATUS_LABELS = {
    "matched": _l("Matched"),
    "amount_differs": _l("Amount differs"),
    "missing_from_statement": _l("Missing from the statement"),
    "unknown_to_us": _l("Unknown to us"),
}
#: the same, short, for the columns of the list of statements
LINE_STATUS_SHORT = {"matched": _l("Matched"), "amount_differs": _l("Differs"),
                     "missing_from_statement": _l("Missing"), "unknown_to_us": _l("Unknown")}
DISPUTE_STATUS_LABELS = {"open": _l("Open"), "resolved": _l("Resolved"), "abandoned": _l("Abandoned")}
DATE_FORMAT_LABELS = {
    "%d/%m/%Y": "31/01/2026", "%Y-%m-%d": "2026-01-31", "%d-%m-%Y": "31-01-2026", "%d.%m.%Y": "31.01.2026",
    "%d/%m/%y": "31/01/26", "%Y%m%d": "20260131", "%m/%Y": _l("01/2026 (month)"), "%Y-%m": _l("2026-01 (month)"),
}
DECIMAL_CHOICES = (("comma", _l("Decimal comma: 1 234,56")), ("point", _l("Decimal point: 1,234.56")))
MATCH_CHOICES = (("month", _l("the same policy, due in the same month")),
                 ("day", _l("the same policy and the same due date")))

#: the HTTP status answering a file refused as a whole (too large, not a spreadsheet); 422 otherwise
FILE_STATUS = {"file_too_large": 413, "not_a_spreadsheet": 415, "xls_legacy": 415}

PROBLEMS = {
    # the file as a whole
    "file_empty": _l("The file is empty."),
    "file_too_large": _l("The file is larger than %(megabytes)s MB."),
    "xls_legacy": _l("This is an old Excel file (.xls): save it as .xlsx or CSV and try again."),
    "not_a_spreadsheet": _l("This file is neither a CSV text file nor an Excel .xlsx workbook."),
    "file_unreadable": _l("The Excel workbook cannot be read: it may be damaged or protected."),
    "sheet_unknown": _l("The workbook has no sheet named “%(sheet)s”. Its sheets: %(sheets)s."),
    "header_row_missing": _l("The file has no row %(row)s to read the column names from."),
    "headers_blank": _l("Row %(row)s holds no column names: check the header row number."),
    "columns_not_found": _l("The file has no column named %(columns)s: check the header row, the sheet, or the "
                            "insurer's mapping."),
    "column_ambiguous": _l("Two columns of the file are named “%(column)s”: rename one of them."),
    "too_many_rows": _l("The file has more than %(rows)s lines: split it."),
    "no_rows": _l("The file has no statement line below its column names."),
    "upload_expired": _l("This upload has expired: choose the file again."),
    "mapping_changed": _l("The file no longer reads with the insurer's mapping: import it again."),
    "no_mapping": _l("Say first how to read this insurer's files (its column mapping)."),
    "insurer_unknown": _l("Choose an insurer."),
    "month_mismatch": _l("No line of the file is dated in %(month)s: check the month chosen."),
    "month_already_imported": _l("%(month)s is already reconciled for this insurer."),
    # a cell
    "required": _l("Empty, but required."),
    "number_format": _l("Not a number."),
    "number_format_comma": _l("Not a number written with a decimal comma (1 234,56)."),
    "number_format_point": _l("Not a number written with a decimal point (1,234.56)."),
    "date_format": _l("Not a date in the chosen format."),
    "rate_range": _l("A rate must be between 0 and 999.99 %."),
    "too_long": _l("Too long (60 characters at most)."),
    # the mapping
    "column_required": _l("Choose the column holding this."),
    "column_twice": _l("This column is already chosen for another field."),
    "date_format_unknown": _l("Choose a date format."),
    "month_format_needs_month_match": _l("With a month-only date, lines can only be matched on the month."),
    "choice_invalid": _l("Choose one of the options."),
    "header_row_range": _l("Give a row between 1 and 50."),
    # disputes
    "nothing_to_claim": _l("The insurer paid at least what was expected on this line: there is nothing to claim."),
    "dispute_exists": _l("This line already has a dispute."),
    "dispute_closed": _l("This dispute is already closed."),
    "stale": _l("Someone changed this dispute meanwhile: reload the page and try again."),
    "note_required": _l("Write the note."),
    "note_too_long": _l("A note is 5,000 characters at most."),
    "reason_required": _l("Say why the dispute is abandoned."),
    "recovered_required": _l("Give the amount recovered (0 if none)."),
    "recovered_negative": _l("The amount recovered cannot be negative."),
    "recovered_over_claim": _l("The amount recovered cannot be more than the amount claimed."),
    "resolved_on_required": _l("Give the day it was resolved."),
    "resolved_on_future": _l("The day cannot be in the future."),
    "resolved_before_opened": _l("The day cannot be before the dispute was opened."),
}


def problem_message(code: str, **params) -> str:
    """What people read for ``code``; dates in ``params`` read as a month ("January 2026")."""
    message = PROBLEMS.get(code)
    if message is None:
        return code
    values = {key: format_date(value, "MMMM y") if isinstance(value, date) else value
              for key, value in params.items()}
    return str(message) % values if values else str(message)


def add_error(field, message: str) -> None:
    """Show ``message`` under ``field`` (its errors are a tuple until the form is validated)."""
    field.errors = [*field.errors, message]


def optional_id(value) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class SampleForm(FlaskForm):
    """Step 1 of a mapping: a sample file of the insurer, where its headers are."""

    file = FileField(_l("A statement of this insurer (CSV or Excel .xlsx)"), validators=[FileRequired()])
    header_row = IntegerField(_l("Row of the column names"), default=1,
                              validators=[InputRequired(), NumberRange(min=1, max=MAX_HEADER_ROW)])
    sheet = StringField(_l("Sheet (Excel; the first one when empty)"), validators=[Optional(), Length(max=100)])


class MappingForm(FlaskForm):
    """Step 2: which column holds what, and the file's conventions."""

    policy_number = SelectField(FIELD_LABELS["policy_number"], validate_choice=False)
    due_date = SelectField(FIELD_LABELS["due_date"], validate_choice=False)
    premium = SelectField(FIELD_LABELS["premium"], validate_choice=False)
    amount = SelectField(FIELD_LABELS["amount"], validate_choice=False)
    rate = SelectField(FIELD_LABELS["rate"], validate_choice=False)
    client_name = SelectField(FIELD_LABELS["client_name"], validate_choice=False)
    decimal = SelectField(_l("Amounts"), choices=_choices(DECIMAL_CHOICES), default="comma")
    date_format = SelectField(_l("Dates"), choices=_choices(DATE_FORMAT_LABELS.items()), default="%d/%m/%Y")
    match_by = SelectField(_l("A statement line matches our commission line with"),
                           choices=_choices(MATCH_CHOICES), default="month")
    header_row = IntegerField(_l("Row of the column names"), default=1,
                              validators=[InputRequired(), NumberRange(min=1, max=MAX_HEADER_ROW)])
    sheet = StringField(_l("Sheet (Excel; the first one when empty)"), validators=[Optional(), Length(max=100)])
    sample = HiddenField()

    def offer(self, headers: list[str]) -> None:
        """The file's headers as the choices of every column field."""
        blank = [SelectChoice("", "—")]
        for name in FIELDS:
            getattr(self, name).choices = blank + [SelectChoice(header, header) for header in headers if header]

    def fill(self, mapping: Mapping) -> None:
        for name in FIELDS:
            getattr(self, name).data = mapping.columns.get(name, "")
        self.decimal.data = "comma" if mapping.decimal_comma else "point"
        self.date_format.data, self.match_by.data = mapping.date_format, mapping.match_by
        self.header_row.data, self.sheet.data = mapping.header_row, mapping.sheet

    def mapping(self, headers: list[str]) -> Mapping:
        columns = {name: getattr(self, name).data for name in FIELDS if getattr(self, name).data}
        return Mapping(columns=columns, decimal_comma=self.decimal.data == "comma",
                       date_format=self.date_format.data, header_row=self.header_row.data or 1,
                       sheet=(self.sheet.data or "").strip(), match_by=self.match_by.data, headers=tuple(headers))

    def show_problems(self, problems: dict[str, str]) -> None:
        for name, code in problems.items():
            field = getattr(self, "decimal" if name == "decimal_comma" else name, None)
            if field is not None:
                add_error(field, problem_message(code))

    @staticmethod
    def required(name: str) -> bool:
        return name in REQUIRED_FIELDS


class StatementImportForm(FlaskForm):
    insurer_id = SelectField(_l("Insurer"), coerce=optional_id, validate_choice=False,
                             validators=[InputRequired(message=_l("Choose an insurer."))])
    month = MonthField(_l("Month of the statement"), validators=[InputRequired(message=_l("Choose the month."))])
    file = FileField(_l("Statement file (CSV or Excel .xlsx)"), validators=[FileRequired()])


class ReplaceForm(FlaskForm):
    """Confirmation of a re-import: the staged file, the insurer and the month."""

    token = HiddenField(validators=[DataRequired()])
    insurer_id = HiddenField(validators=[DataRequired()])
    month = HiddenField(validators=[DataRequired()])


class OpenDisputeForm(FlaskForm):
    note = TextAreaField(_l("Note (optional): what you told the insurer"), validators=[Length(max=NOTE_MAX)])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("New note"), validators=[DataRequired(message=_l("Write the note.")),
                                                     Length(max=NOTE_MAX)])


class ResolveForm(FlaskForm):
    version = VersionField()
    recovered = AmountField(_l("Amount recovered"))
    resolved_on = DateField(_l("Resolved on"), validators=[Optional()])


class AbandonForm(FlaskForm):
    version = VersionField()
    reason = TextAreaField(_l("Why is the dispute abandoned?"), validators=[Length(max=NOTE_MAX)])
