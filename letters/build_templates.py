"""Write version 1 of every template to letters/templates/<code>.docx: `python -m letters.build_templates`.

The committed .docx files are the source of truth once policy staff start editing them in Word
(uploads go through the preview studio); this script is how version 1 was made, small and
reproducible. Wording is ours, in plain English, with the new terminology only; the CMSL5501
"What we'll talk about" paragraphs are the exact published ones (letters.catalogue).
"""

from __future__ import annotations

import sys

from letters.catalogue import CMSL5501_PARAGRAPHS, REASONS, TEMPLATE_DIR, TEMPLATES
from letters.docx_writer import Block, Para, Table, write_docx


def h1(text: str) -> Para:
    return Para(text, "Heading1")


def h2(text: str) -> Para:
    return Para(text, "Heading2")


def p(text: str = "") -> Para:
    return Para(text)


def tag(statement: str) -> Para:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it disappears when rendered."""
    return Para("{%p " + statement + " %}")


def small(text: str) -> Para:
    return Para(text, "Small")


SENDER = p("**Child Maintenance Service**")


def contact_lines() -> list[Block]:
    """How a parent reaches us, under the sender; each line only when set (services/letter_contact.py)."""
    return [
        tag("if contact_phone"),
        p("Phone: {{ contact_phone }}{% if contact_hours %} ({{ contact_hours }}){% endif %}"),
        tag("endif"),
        tag("if contact_address"),
        p("{{ contact_address }}"),
        tag("endif"),
    ]


def letter_head(title: str) -> list[Block]:
    return [
        SENDER,
        *contact_lines(),
        p("{{ letter_date }}"),
        p("{{ recipient_name }}"),
        p("{{ recipient_address }}"),
        p("Our reference: {{ scin }}"),
        h1(title),
        p("Dear {{ recipient_name }}"),
    ]


def sign_off(code: str) -> list[Block]:
    return [p("Yours sincerely"), p("Child Maintenance Service"), small(code)]


def form_head(title: str, code: str) -> list[Block]:
    return [small(f"{code} · Child Maintenance Service"), h1(title)]


def fields_table(rows: list[tuple[str, str]]) -> Table:
    return Table(tuple((f"**{label}**", value) for label, value in rows), widths=(3200, 6400))


def cmsl5501() -> list[Block]:
    reasons = [value for value, _ in REASONS if value != "other"]
    talk: list[Block] = []
    for i, value in enumerate(reasons):
        talk += [tag(("if" if i == 0 else "elif") + f" reason == '{value}'"), p(CMSL5501_PARAGRAPHS[value])]
    talk += [tag("elif reason == 'other'"), p("{{ other_details }}"), tag("endif")]
    return [
        *letter_head("Information about your face to face meeting with us"),
        p("We have arranged to meet you in person. Please keep this letter and bring it with you to the meeting."),
        fields_table(
            [
                ("Date and time", "{{ appointment_date }} at {{ appointment_time }}"),
                ("Place", "{{ appointment_location }}"),
            ]
        ),
        h2("What we'll talk about"),
        *talk,
        h2("What to bring"),
        p(
            "Bring this letter and something that shows who you are, such as a passport, a driving licence or a "
            "recent bill with your name and address on it."
        ),
        h2("If you cannot come"),
        p(
            "Contact us as soon as you can so that we can arrange another time. If you miss the same meeting more "
            "than twice, we may not offer you another one."
        ),
        *sign_off("CMSL5501"),
    ]


def cmel9180() -> list[Block]:
    return [
        *letter_head("We have asked the court for a liability order"),
        p(
            "You owe {{ amount_owed }} in child maintenance. Because this has not been paid, we have asked the "
            "magistrates' court to make a liability order against you. The court summons with this letter gives "
            "the details of the hearing."
        ),
        fields_table(
            [
                ("Court", "{{ court_name }}\n{{ court_address }}"),
                ("Hearing", "{{ hearing_date }} at {{ hearing_time }}"),
                ("Amount owed", "{{ amount_owed }}"),
                ("Court costs", "{{ costs }}"),
            ]
        ),
        h2("What a liability order means"),
        p(
            "A liability order lets us take further action to collect the money, such as using enforcement agents "
            "or asking the court to register the debt. If the court makes the order, you will also have to pay the "
            "court costs of {{ costs }}."
        ),
        h2("What you can do now"),
        p(
            "Pay the amount you owe in full before the hearing, or contact us straight away to talk about it. "
            "You can go to the hearing, but the court cannot look again at how much child maintenance you should "
            "pay."
        ),
        *sign_off("CMEL9180"),
    ]


def commitment_court() -> list[Block]:
    return [
        SENDER,
        p("{{ letter_date }}"),
        p("The Clerk to the Justices"),
        p("{{ court_name }}"),
        p("{{ court_address }}"),
        p("Our reference: {{ scin }}"),
        h1("Application for a commitment hearing"),
        p("Dear Sir or Madam"),
        p(
            "Please find enclosed a summons for a commitment hearing for {{ paying_parent_name }}, a paying parent "
            "who owes {{ amount_owed }} in child maintenance under a liability order."
        ),
        fields_table(
            [
                ("Paying parent", "{{ paying_parent_name }}"),
                ("Hearing", "{{ hearing_date }} at {{ hearing_time }}"),
                ("Amount owed", "{{ amount_owed }}"),
                ("Court presenting officer", "{{ cpo_name }}"),
            ]
        ),
        p(
            "Please issue the summons and return it to us so that we can serve it on the paying parent. "
            "{{ cpo_name }} will present the case for the Child Maintenance Service."
        ),
        *sign_off("CWGL001"),
    ]


def commitment_paying_parent() -> list[Block]:
    return [
        *letter_head("You must go to a court hearing"),
        p(
            "You still owe {{ amount_owed }} in child maintenance, even though the court made a liability order "
            "against you. We have asked the court to consider sending you to prison or taking away your driving "
            "licence. The court summons with this letter tells you when to attend."
        ),
        fields_table(
            [
                ("Court", "{{ court_name }}\n{{ court_address }}"),
                ("Hearing", "{{ hearing_date }} at {{ hearing_time }}"),
                ("Amount owed", "{{ amount_owed }}"),
            ]
        ),
        h2("You must attend"),
        p(
            "If you do not go to the hearing, the court may issue a warrant for your arrest. Bring details of your "
            "income and outgoings with you."
        ),
        h2("What you can do now"),
        p("Pay the amount you owe in full, or contact us straight away to agree how you will pay it."),
        *sign_off("CWGL002"),
    ]


def cmel7298() -> list[Block]:
    return [
        *form_head("Enforcement form: liability order hearing date", "CMEL7298"),
        fields_table(
            [
                ("Date completed", "{{ form_date }}"),
                ("Service request", "{{ sr_number }}"),
                ("SCIN", "{{ scin }}"),
                ("Paying parent", "{{ paying_parent_name }}"),
                ("Court", "{{ court_name }}"),
                ("Hearing date", "{{ hearing_date }}"),
                ("Hearing time", "{{ hearing_time }}"),
                ("Court presenting officer", "{{ cpo_name }}"),
            ]
        ),
        p("Update the service request activity plan once this form is complete."),
    ]


def cmel7000() -> list[Block]:
    return [
        *form_head("Liability order application", "CMEL7000"),
        p(
            "The Secretary of State applies to the court for a liability order against the paying parent named "
            "below, for child maintenance that is due and has not been paid."
        ),
        fields_table(
            [
                ("Date of application", "{{ application_date }}"),
                ("SCIN", "{{ scin }}"),
                ("Paying parent", "{{ paying_parent_name }}"),
                ("Paying parent's address", "{{ paying_parent_address }}"),
                ("Court", "{{ court_name }}"),
                ("Hearing date", "{{ hearing_date }}"),
                ("Amount owed", "{{ amount_owed }}"),
                ("Period of the arrears", "{{ arrears_from }} to {{ arrears_to }}"),
            ]
        ),
    ]


def cmel7211() -> list[Block]:
    hearing = (
        "{% if hearing_date %}{{ hearing_date }} at {{ hearing_time }}{% else %}To be completed when the "
        "court presenting officer gives the hearing date{% endif %}"
    )
    return [
        *form_head("Court summons: commitment", "CMEL7211"),
        p(
            "To the paying parent named below: you are summoned to appear before the court to explain why you "
            "have not paid the child maintenance the court ordered you to pay."
        ),
        fields_table(
            [
                ("SCIN", "{{ scin }}"),
                ("Paying parent", "{{ paying_parent_name }}"),
                ("Address", "{{ paying_parent_address }}"),
                ("Court", "{{ court_name }}\n{{ court_address }}"),
                ("Amount owed", "{{ amount_owed }}"),
                ("Hearing", hearing),
                ("Court presenting officer", "{% if cpo_name %}{{ cpo_name }}{% else %}Not known yet{% endif %}"),
            ]
        ),
        p("If you do not attend, the court may issue a warrant for your arrest."),
    ]


def cmsf5579() -> list[Block]:
    return [
        *form_head("Visiting service referral", "CMSF5579"),
        p("Send this form to CSA VSAT INTERVIEWS with a read receipt, then phone to check it arrived."),
        fields_table(
            [
                ("Date of referral", "{{ referral_date }}"),
                ("Service request", "{{ sr_number }}"),
                ("SCIN", "{{ scin }}"),
                ("Client", "{{ client_name }}"),
                ("Client's address", "{{ client_address }}"),
                (
                    "Client is the",
                    "{% if client_role == 'paying_parent' %}Paying parent{% else %}Receiving parent{% endif %}",
                ),
                # For "other" the reason is what the caseworker typed: the option's label is our form's, not VSAT's.
                (
                    "Reason for the visit",
                    "{% if reason == 'other' %}{{ other_details }}{% else %}{{ reason_label }}{% endif %}",
                ),
                ("Referred by", "{{ referred_by }}"),
            ]
        ),
        h2("Potentially violent check"),
        tag("if pv_marker"),
        p("**A PV marker is recorded on this case.** The visiting officer must follow the PV safety guidance."),
        tag("else"),
        p("No PV marker recorded."),
        tag("endif"),
        p("Full PV check completed on {{ pv_checked_on }}."),
        tag("if pv_findings"),
        p("What the check found: {{ pv_findings }}"),
        tag("endif"),
        # Optional, so left out when not answered, as CWGF003's Notes (a heading over nothing reads as lost text).
        tag("if details"),
        h2("Anything else the visiting officer should know"),
        p("{{ details }}"),
        tag("endif"),
    ]


def cpo_referral() -> list[Block]:
    action = (
        "{% if action == 'county_court' %}County court{% elif action == 'commitment' %}Commitment"
        "{% else %}Liability order{% endif %}"
    )
    return [
        *form_head("Court presenting officer referral", "CWGF003"),
        p("Specialist Services Support Team referral to the court presenting team."),
        fields_table(
            [
                ("Date of referral", "{{ referral_date }}"),
                ("Service request", "{{ sr_number }}"),
                ("SCIN", "{{ scin }}"),
                ("Paying parent", "{{ paying_parent_name }}"),
                ("Action requested", action),
                ("Court", "{{ court_name }}"),
                ("Hearing date", "{% if hearing_date %}{{ hearing_date }}{% else %}Not known yet{% endif %}"),
                ("Court presenting officer", "{% if cpo_name %}{{ cpo_name }}{% else %}Not known yet{% endif %}"),
                # Seed 004: the ECM asks for county court and liability order action, a caseworker for commitment.
                (
                    "{% if action == 'commitment' %}Caseworker who asked for commitment{% else %}Enforcement case "
                    "manager{% endif %}",
                    "{{ ecm_name }}",
                ),
                ("PV check", "{% if pv_marker %}A PV marker is recorded{% else %}No PV marker recorded{% endif %}"),
            ]
        ),
        tag("if pv_findings"),
        p("What the PV check found: {{ pv_findings }}"),
        tag("endif"),
        tag("if notes"),
        h2("Notes"),
        p("{{ notes }}"),
        tag("endif"),
    ]


def pv_check() -> list[Block]:
    return [
        *form_head("Potentially violent (PV) check record", "CWGF004"),
        fields_table(
            [
                ("Date of check", "{{ check_date }}"),
                ("Checked by", "{{ checked_by }}"),
                ("Service request", "{{ sr_number }}"),
                ("SCIN", "{{ scin }}"),
                ("Client", "{{ client_name }}"),
                (
                    "Check",
                    "{% if check == 'second' %}Second PV check, 48 hours before the hearing{% else %}"
                    "Full PV check{% endif %}",
                ),
                ("Result", "{% if pv_marker %}A PV marker is recorded{% else %}No PV marker recorded{% endif %}"),
            ]
        ),
        tag("if pv_findings"),
        p("What the check found: {{ pv_findings }}"),
        tag("endif"),
        tag("if check == 'second'"),
        h2("Since the first check"),
        p("Payments: {{ payments_since }}"),
        p("Contact from the paying parent: {{ contact_since }}"),
        tag("endif"),
    ]


def stable_balance() -> list[Block]:
    return [
        *letter_head("Your child maintenance arrears: do you want us to collect them?"),
        p(
            "Your Child Support Agency case has ended. We have checked the account, and on {{ balance_date }} the "
            "other parent owed {{ arrears_balance }} in child maintenance arrears."
        ),
        tag("if sos_kept"),
        p(
            "{{ sos_arrears }} of this is owed to the Secretary of State. That part cannot be written off and will "
            "always be collected."
        ),
        tag("endif"),
        h2("What you need to decide"),
        # With arrears owed to the Secretary of State kept, the choice is about the rest only (QA: the letter said
        # that part is always collected, then offered to collect "none of them").
        tag("if sos_kept"),
        p(
            "You can decide what happens to the other {{ arrears_to_decide }}. You can ask us to collect all of it, "
            "some of it, or none of it. If you decide that some or all of it should not be collected, we will write "
            "that amount off and it cannot be collected later."
        ),
        tag("else"),
        p(
            "You can ask us to collect all of the arrears, some of them, or none of them. If you decide that some or "
            "all of the arrears should not be collected, we will write them off and they cannot be collected later."
        ),
        tag("endif"),
        h2("Tell us by {{ reply_by }}"),
        p(
            "If we do not hear from you by {{ reply_by }}, we will move the full amount of {{ arrears_balance }} to "
            "the Child Maintenance Service, which will carry on collecting it."
        ),
        p(
            "If you would like to talk about your options, contact us and we will explain what each choice means "
            "for you."
        ),
        *sign_off("CWGL010"),
    ]


def write_off(code: str, receiving: bool) -> list[Block]:
    blocks = [
        *letter_head("Child maintenance arrears written off"),
        tag("if write_off == 'all'"),
        p(
            ("You" if receiving else "The receiving parent") + " decided that we should not collect the child "
            "maintenance arrears of {{ amount_written_off }}. We have written this amount off."
        ),
        tag("else"),
        p(
            ("You" if receiving else "The receiving parent") + " decided that we should not collect "
            "{{ amount_written_off }} of the child maintenance arrears. We have written this amount off."
        ),
        tag("endif"),
        tag("if arrears_remain"),
        p(
            "The arrears still owed are {{ amount_remaining }}. These will be moved to the Child Maintenance Service "
            "to collect."
        ),
        tag("endif"),
        tag("if sos_kept"),
        p("This includes {{ sos_arrears }} owed to the Secretary of State, which cannot be written off."),
        tag("endif"),
    ]
    if receiving:
        blocks += [
            h2("If you change your mind"),
            p(
                "You have 30 days to change your decision. Tell us by {{ representations_end }}. After that date the "
                "amount written off cannot be collected."
            ),
        ]
    else:
        blocks += [
            h2("If you want to tell us something about this decision"),
            p("You have 30 days to send us anything you want us to consider. Tell us by {{ representations_end }}."),
        ]
    return [*blocks, *sign_off(code)]


def closure(code: str, receiving: bool) -> list[Block]:
    you_rp = "you" if receiving else "the receiving parent"
    return [
        *letter_head("Your Child Support Agency case has closed"),
        p("We have finished closing your Child Support Agency case."),
        tag("if outcome == 'pursue_all'"),
        p(("You" if receiving else "The receiving parent") + " asked us to collect all of the arrears."),
        tag("elif outcome == 'part_written_off'"),
        p(f"As {you_rp} asked, we wrote off {{{{ amount_written_off }}}} of the arrears."),
        tag("elif outcome == 'all_written_off'"),
        p(
            f"As {you_rp} asked, we wrote off all of the arrears, {{{{ amount_written_off }}}}. There are no arrears "
            "left to collect."
        ),
        tag("elif outcome == 'no_response'"),
        p(
            "We did not hear from " + ("you" if receiving else "the receiving parent") + " about the arrears, so "
            "all of them have been moved over."
        ),
        tag("endif"),
        tag("if outcome != 'all_written_off'"),
        h2("Arrears moved to the Child Maintenance Service"),
        p("The amount of arrears moved to the Child Maintenance Service is {{ amount_transitioned }}."),
        *(_closure_collected_for_you() if receiving else _closure_to_pay()),
        tag("endif"),
        p("If you have a question about the arrears from now on, contact the Child Maintenance Service."),
        *sign_off(code),
    ]


def _closure_collected_for_you() -> list[Block]:
    """Only money owed to the receiving parent is collected for them: never the Secretary of State's part (QA)."""
    return [
        tag("if sos_included"),
        p("{{ sos_arrears }} of this is owed to the Secretary of State, not to you, so it is not collected for you."),
        tag("if some_owed_to_receiving_parent"),
        p("The Child Maintenance Service will collect the other {{ owed_to_receiving_parent }} for you."),
        tag("endif"),
        tag("else"),
        p("The Child Maintenance Service will collect this for you."),
        tag("endif"),
    ]


def _closure_to_pay() -> list[Block]:
    return [
        p("You must pay this to the Child Maintenance Service, which will contact you about how to pay."),
        tag("if sos_included"),
        p("{{ sos_arrears }} of this is owed to the Secretary of State."),
        tag("endif"),
    ]


def breakdown() -> list[Block]:
    return [
        *letter_head("Your child maintenance account: breakdown of the arrears"),
        p(
            "You asked us to explain how the arrears on your account were worked out. This table shows, for each "
            "period, the child maintenance that was due, what was paid, and what was still owed at the end of it."
        ),
        Table(
            (
                ("From", "To", "Amount due", "Amount paid", "Still owed"),
                ("{%tr for row in periods %}",),
                (
                    "{{ row.period_start }}",
                    "{{ row.period_end }}",
                    "{{ row.amount_due }}",
                    "{{ row.amount_paid }}",
                    "{{ row.balance }}",
                ),
                ("{%tr endfor %}",),
                ("**Total**", "", "**{{ total_due }}**", "**{{ total_paid }}**", "**{{ balance }}**"),
            ),
            header=True,
            widths=(1900, 1900, 1800, 1800, 1800),
        ),
        p(
            "The arrears still owed are {{ arrears_balance }}. If you think something in this table is wrong, contact "
            "us and tell us which period and why."
        ),
        *sign_off("CWGF015"),
    ]


BODIES = {
    "CMSL5501": cmsl5501,
    "CMEL9180": cmel9180,
    "CWGL001": commitment_court,
    "CWGL002": commitment_paying_parent,
    "CMEL7298": cmel7298,
    "CMEL7000": cmel7000,
    "CMEL7211": cmel7211,
    "CMSF5579": cmsf5579,
    "CWGF003": cpo_referral,
    "CWGF004": pv_check,
    "CWGL010": stable_balance,
    "CWGL011": lambda: write_off("CWGL011", True),
    "CWGL012": lambda: write_off("CWGL012", False),
    "CWGL013": lambda: closure("CWGL013", True),
    "CWGL014": lambda: closure("CWGL014", False),
    "CWGF015": breakdown,
}


def build(code: str) -> bytes:
    return write_docx(BODIES[code](), title=f"{code} {TEMPLATES[code].title}")


def main() -> None:
    TEMPLATE_DIR.mkdir(exist_ok=True)
    codes = sys.argv[1:] or list(BODIES)
    for code in codes:
        (TEMPLATE_DIR / f"{code}.docx").write_bytes(build(code))
        print(f"wrote {code}.docx")


if __name__ == "__main__":
    main()
