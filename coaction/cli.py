"""`flask coaction ...`: the same services the views call, committed here."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from coaction.extensions import db

coaction_cli = AppGroup("coaction", help="CoAction commands: demo data, synthetic data, maintenance.")


@coaction_cli.command("demo")
def demo_command() -> None:
    """Load the Södertörn demo data (idempotent)."""
    from coaction.seed.demo import load_demo

    load_demo()
    db.session.commit()
    click.echo("Demo data loaded (Södertörn).")


@coaction_cli.command("synth")
@click.option("--orgs", type=click.IntRange(min=0), default=1000, show_default=True, help="Organisations.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def synth_command(orgs: int, seed: int) -> None:
    """Synthetic data at any scale for benchmarks, inserted in bulk."""
    from coaction.seed.demo import load_reference_data
    from coaction.seed.synth import SynthError, synth_organisations

    load_reference_data()
    try:
        with click.progressbar(length=orgs, label="Organisations") as bar:
            synth_organisations(orgs, seed, progress=bar.update)
    except SynthError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{orgs} organisations made with seed {seed}.")
