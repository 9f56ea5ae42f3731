"""`flask coaction export-csv`: the public data sets and their dictionaries as files, from the same rows."""

from coaction.opendata.services import DATASETS


def test_the_command_writes_every_data_set_and_its_dictionary(runner, world, tmp_path):
    result = runner.invoke(args=["coaction", "export-csv", "--out", str(tmp_path / "open")])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "open").iterdir())
    assert written == sorted([f"{key}.csv" for key in DATASETS] + [f"{key}.dictionary.csv" for key in DATASETS])
    assert result.output.count("\n") == len(DATASETS)
    assert "commitments.csv (2 rows)" in result.output
    text = (tmp_path / "open" / "commitments.csv").read_text(encoding="utf-8-sig")
    assert "Laddpunkter i Södertälje" in text and "HEMLIG" not in text


def test_the_command_writes_the_data_sets_asked_for_and_refuses_unknown_ones(runner, world, tmp_path):
    result = runner.invoke(args=["coaction", "export-csv", "--dataset", "goals", "--out", str(tmp_path)])
    assert result.exit_code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["goals.csv", "goals.dictionary.csv"]
    refused = runner.invoke(args=["coaction", "export-csv", "--dataset", "secrets", "--out", str(tmp_path)])
    assert refused.exit_code != 0 and "no data set secrets" in refused.output
