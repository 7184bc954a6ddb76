"""Sales OKR templates (issue 11, point 3): the shipped ones read in both languages, and
`okr-bot templates` checks a workspace's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from okr.kr_sentence import KRReading, kr_sentence, read_kr
from okr.kr_templates import (
    CHECK_CYCLE,
    LANGS,
    MAX_KRS,
    TemplateFileError,
    check_template,
    locale_lang,
    parse_templates,
)
from storage.templates import load_templates, read_folder, shipped_templates

#: The playbook's five templates, in the order the menu offers them.
PLAYBOOK = ["new-revenue", "new-customers", "key-accounts", "lead-alignment", "team-capability"]
SHIPPED = {t.id: t for t in shipped_templates()}


def test_the_playbooks_templates_are_shipped_in_english_and_chinese() -> None:
    assert [t.id for t in shipped_templates()] == PLAYBOOK
    for template in shipped_templates():
        assert set(template.texts) == set(LANGS), template.id
        for lang in LANGS:
            text = template.text(lang)
            assert text.name and text.title and text.why, (template.id, lang)
            assert 1 <= len(text.krs) <= MAX_KRS


@pytest.mark.parametrize("template_id", PLAYBOOK)
@pytest.mark.parametrize("lang", LANGS)
def test_every_shipped_sentence_reads_and_is_written_back_the_same(
    template_id: str, lang: str
) -> None:
    template = SHIPPED[template_id]
    assert check_template(template) == []
    for sentence in template.text(lang).krs:
        reading = read_kr(sentence, cycle_start=CHECK_CYCLE[0], cycle_end=CHECK_CYCLE[1])
        assert isinstance(reading, KRReading), (sentence, reading)
        assert reading.lang == lang, sentence
        assert kr_sentence(reading, lang=lang) == sentence  # the template is in the bot's form


def test_new_customer_acquisition_is_weekly_prospecting_and_meetings_and_monthly_contracts() -> (
    None
):
    for lang in LANGS:
        readings = [
            read_kr(s, cycle_start=CHECK_CYCLE[0], cycle_end=CHECK_CYCLE[1])
            for s in SHIPPED["new-customers"].text(lang).krs
        ]
        periods = [r.period.value for r in readings if isinstance(r, KRReading) and r.period]
        assert periods == ["week", "week", "month"], lang


def test_the_slack_locale_picks_the_language() -> None:
    assert locale_lang("zh-CN") == "zh"
    assert locale_lang("zh-TW") == "zh"
    assert locale_lang("en-US") == "en"
    assert locale_lang(None) == "en"
    only_english = parse_templates(
        '[[template]]\nid = "x"\nname.en = "X"\ntitle.en = "Do X"\nkrs.en = ["Sign 3 deals"]\n',
        "x.toml",
    )[0]
    assert only_english.text("zh").title == "Do X"


GOOD = """
[[template]]
id = "renewals"
name.en = "Renewals"
name.zh = "续约"
title.en = "Renew every contract that expires"
title.zh = "续签所有到期合同"
krs.en = ["Renew 40 expiring contracts", "Keep logo churn below 3%"]
krs.zh = ["续约40份到期合同", "客户流失率保持在3%以下"]
"""

BAD = """
[[template]]
id = "sprints"
name.en = "Sprints"
title.en = "Sell in sprints"
krs.en = ["Keep logo churn below 3%", "Sign 10 contracts per sprint"]
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_cli_lists_and_accepts_a_good_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, renewals=GOOD)
    assert main(["templates", "--dir", str(folder)]) == 0
    out = capsys.readouterr()
    assert "shipped  new-revenue  New revenue / 新增收入  (5 key results)" in out.out
    assert f"{folder}  renewals  Renewals / 续约  (2 key results)" in out.out
    assert out.err == ""


def test_the_cli_names_file_template_and_sentence_that_does_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, renewals=GOOD, sprints=BAD)
    assert main(["templates", "--dir", str(folder)]) == 1
    out = capsys.readouterr()
    assert f"{folder}  renewals" in out.out
    assert "sprints  Sprints" not in out.out
    assert out.err.strip() == (
        f"okr-bot templates: {folder / 'sprints.toml'}: template 'sprints': "
        "'Sign 10 contracts per sprint': “sprint” is not a period I know for a quota: "
        "write every week or every month."
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not toml [", "not TOML"),
        ('id = "x"', "no [[template]] tables"),
        ('[[template]]\nid = "Bad Id"', "give it an id"),
        ('[[template]]\nid = "x"\nname.en = "X"\ntitle.en = "T"\nkrs.en = []', "1 to 10"),
        ('[[template]]\nid = "x"\nname.en = "X"\nkrs.en = ["Sign 3 deals"]', "title.en"),
        ('[[template]]\nid = "x"', "in en or zh"),
    ],
)
def test_a_malformed_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    with pytest.raises(TemplateFileError, match=says.replace("[", r"\[")):
        parse_templates(text, "bad.toml")
    assert main(["templates", "--dir", str(_folder(tmp_path, bad=text))]) == 1
    assert says in capsys.readouterr().err


def test_a_dated_milestone_does_not_fit_every_cycle() -> None:
    template = parse_templates(
        '[[template]]\nid = "x"\nname.en = "X"\ntitle.en = "T"\n'
        'krs.en = ["Launch the partner program by 15 Feb"]',
        "x.toml",
    )[0]
    assert [p.message for p in check_template(template)] == [
        "a template is used in every cycle: leave the due date out (the cycle's end)"
    ]


def test_a_missing_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--dir", str(tmp_path / "nowhere")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_a_workspace_template_replaces_the_shipped_one_of_its_id(tmp_path: Path) -> None:
    own = GOOD.replace('id = "renewals"', 'id = "key-accounts"')
    folder = _folder(tmp_path, mine=own, broken=BAD)
    templates = load_templates(folder)
    assert [t.id for t in templates] == PLAYBOOK
    assert templates[2].text("en").name == "Renewals"
    assert read_folder(folder).problems[0].template == "sprints"


def test_the_setting_names_an_existing_folder(tmp_path: Path) -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32}
    assert Settings(_env_file=None, **base).okr_templates_dir is None  # type: ignore[call-arg]
    chosen = Settings(_env_file=None, **base, OKR_TEMPLATES_DIR=str(tmp_path))  # type: ignore[call-arg]
    assert chosen.okr_templates_dir == tmp_path
    with pytest.raises(ValueError, match="is not a folder"):
        Settings(_env_file=None, **base, OKR_TEMPLATES_DIR=str(tmp_path / "x"))  # type: ignore[call-arg]
