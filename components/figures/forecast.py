"""The forecast chart: a trained series model on the test part it never saw, true and
predicted values of the target column in the file's units, as the timeseries lab plots
them at its end (there in scaled units). Pure builder; no Streamlit."""

from __future__ import annotations

import numpy as np

from components.figures.parts import PATH_BLUE, UNIT_COLOURS, base_layout
from components.i18n import t
from model.training.forecast import Forecast


def forecast_spec(result: Forecast, lang: str = "en") -> dict:
    rows = result.rows.tolist()
    hover = "%{x}: %{y:.4g}<extra>%{fullData.name}</extra>"
    data = [
        {"type": "scatter", "x": rows, "y": np.asarray(result.true), "mode": "lines",
         "name": t("fig_forecast_true", lang), "line": {"color": "#111111", "width": 3},
         "hovertemplate": hover},
        {"type": "scatter", "x": rows, "y": np.asarray(result.predicted), "mode": "lines",
         "name": t("fig_forecast_predicted", lang),
         "line": {"color": UNIT_COLOURS[1], "width": 3, "dash": "dot"}, "hovertemplate": hover},
    ]  # fmt: skip
    title = t("fig_forecast", lang, target=result.target)
    layout = base_layout(title, 380)
    layout["title"]["subtitle"] = {
        "text": t("fig_forecast_error", lang, rmse=f"{result.rmse:.4g}",
                  scaled=f"{result.rmse_scaled:.4f}", windows=len(rows))
    }  # fmt: skip
    layout["margin"] = {"l": 64, "r": 16, "t": 90, "b": 60}
    layout["plot_bgcolor"] = "#f3f4f6"
    layout["xaxis"] = {"title": {"text": t("fig_forecast_row", lang)}, "gridcolor": "white",
                       "zeroline": False}  # fmt: skip
    layout["yaxis"] = {"title": {"text": result.target}, "gridcolor": "white"}
    layout["showlegend"] = True
    # inside the plot, top left: clear of the title and subtitle on a phone too
    layout["legend"] = {"orientation": "h", "x": 0.01, "y": 0.99, "xanchor": "left",
                        "yanchor": "top", "bgcolor": "rgba(255,255,255,0.75)"}  # fmt: skip
    layout["hovermode"] = "x unified"
    layout["colorway"] = [PATH_BLUE]
    return {"data": data, "layout": layout}
