"""The network writing: the hidden state of its top layer after every token of the prompt
and of what it generated, one column per token. Pure builder; no Streamlit."""

from __future__ import annotations

from components.figures.parts import (
    CURSOR,
    base_layout,
    coloraxis,
    colour_range,
    heatmap,
    time_axis,
    unit_axis,
)
from components.i18n import t
from model.training.generate import Generated


def generated_spec(generated: Generated, lang: str = "en") -> dict:
    steps, units = generated.hidden.shape  # (T, H)
    low, high = colour_range(generated.hidden, bounded=True, fitted=True)
    layout = base_layout(t("fig_generated", lang), 300 + 8 * min(units, 40))
    layout["title"]["subtitle"] = {
        "text": t("fig_generated_sub", lang, prompt=generated.prompt_length,
                  written=steps - generated.prompt_length)
    }  # fmt: skip
    layout["margin"] = {"l": 80, "r": 30, "t": 110, "b": 60}
    layout["xaxis"] = time_axis(generated.tokens, title=True, with_step=steps <= 30, lang=lang)
    layout["yaxis"] = unit_axis(units, t("fig_hidden_unit", lang))
    layout["coloraxis"] = coloraxis(low, high, lang, fitted=True)
    edge = generated.prompt_length - 0.5
    layout["shapes"] = [{
        "type": "line", "xref": "x", "yref": "paper", "x0": edge, "x1": edge, "y0": 0,
        "y1": 1, "line": {"color": CURSOR, "width": 3, "dash": "dash"},
    }]  # fmt: skip
    layout["annotations"] = [
        {"text": t("fig_generated_prompt", lang), "x": edge, "xanchor": "right", "y": 1.0,
         "yref": "paper", "yanchor": "bottom", "showarrow": False, "xshift": -4},
        {"text": t("fig_generated_written", lang), "x": edge, "xanchor": "left", "y": 1.0,
         "yref": "paper", "yanchor": "bottom", "showarrow": False, "xshift": 4},
    ]  # fmt: skip
    trace = heatmap(generated.hidden, generated.tokens, "h", "x", "y", lang)
    return {"data": [trace], "layout": layout}
