"""Every piece of text the UI shows, in one table. Views call `t(key, lang, **values)`.

The table is assembled from parts so that each area of the page keeps its words in one
file: the core texts here (English) and `text_ko.py` (their Korean), and one
`text_<area>.py` per lesson panel holding both languages (`EN` and `KO` dicts). A test
checks that every language has exactly the same keys and the same format fields.
"""

from __future__ import annotations

import importlib

from components.i18n import core_ko as text_ko
from model.config import (
    MAX_FEATURES,
    MAX_HIDDEN,
    MAX_INPUT_SIZE,
    MAX_LAYERS,
    MAX_SEQUENCES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    MAX_VOCAB,
)

EN: dict[str, str] = {
    "page_title": "Hidden-State Explorer",
    "app_title": "Hidden-State Explorer",
    "app_caption": (
        "Type sequences, choose a recurrent cell, and watch its hidden state at every "
        "timestep. Every number is PyTorch's own."
    ),
    # controls
    "controls_header": "Scene",
    "language": "Language",
    "presenter": "Presenter mode",
    "presenter_help": (
        "For the lecture hall: bigger text and charts, the time step in large type, fewer "
        "controls (the rest fold into 'More settings'). Step through time with the ← → keys "
        "after clicking a chart."
    ),
    "more_settings": "More settings",
    "preset": "Preset",
    "preset_help": (
        "Ready-made scenes. The lecture preset is the RNN basics lecture exactly as its code "
        "ran: torch.nn.RNN(4, 2), seed 0, batch_first off. Changing any setting below makes "
        "it your own scene."
    ),
    "preset_custom": "(your own settings)",
    "preset_lecture": "Lecture: hello · eolll · lleel",
    "preset_hihello": "hihello (the training example)",
    "preset_hello": "hello, one sequence",
    "preset_sentence": "A sentence, by words (embedding)",
    "preset_korean": "A Korean word (GRU)",
    "preset_sine": "A sine wave, as numbers (LSTM)",
    "sequences": "Sequences, one per line",
    "sequences_help": (
        f"Each line is one sequence of the batch (at most {MAX_SEQUENCES} lines, "
        f"{MAX_STEPS:,} tokens a line, {MAX_TEXT_CHARS:,} characters in all). "
        "Numbers: one value per step, separated by commas or spaces (0.1, 0.5, 0.9); "
        "several features per step: separate steps with ; and features with spaces "
        "(1 2; 3 4; 5 6)."
    ),
    "tokens": "Tokens",
    "tokens_chars": "characters",
    "tokens_words": "words",
    "tokens_numbers": "numbers",
    "tokens_help": (
        "Characters: one token per visible character (an emoji with a skin tone is one). "
        "Words: split on spaces. Numbers: a numeric series fed as its values."
    ),
    "encoding": "Encoding",
    "encoding_onehot": "one-hot",
    "encoding_embedding": "embedding",
    "encoding_help": (
        "One-hot: input size = vocabulary size. Embedding: a seeded nn.Embedding of the "
        "size you choose."
    ),
    "input_size": "Embedding size",
    "input_size_help": f"1 to {MAX_INPUT_SIZE}.",
    "input_size_onehot": "Input size = vocabulary size = {size}",
    "input_size_numbers": "Input size = numbers per step = {size}",
    "cell": "Cell",
    "nonlinearity": "RNN nonlinearity",
    "hidden_size": "Hidden size",
    "hidden_size_help": f"1 to {MAX_HIDDEN}.",
    "num_layers": "Layers",
    "bidirectional": "Bidirectional",
    "bias": "Bias",
    "batch_first": "batch_first",
    "batch_first_help": (
        "On: each line is one sequence, tensor (batch, seq, input). Off: PyTorch reads the "
        "same tensor as (seq, batch, input), as the lecture's code did."
    ),
    "seed": "Seed",
    "seed_help": "torch.manual_seed(seed) runs before anything random is built.",
    "init_state": "Initial state h0",
    "init_zeros": "zeros",
    "init_random": "random (torch.randn)",
    "limits": (
        f"Limits: {MAX_SEQUENCES} lines, {MAX_STEPS:,} steps, {MAX_VOCAB} distinct tokens, "
        f"{MAX_FEATURES} numbers per step, hidden {MAX_HIDDEN}, {MAX_LAYERS} layers."
    ),
    # notices
    "notice_unknown_param": "The link has a setting this app does not know ({name}); ignored.",
    "notice_bad_preset": "The link names a preset that does not exist ({value}); ignored.",
    "notice_empty_seq": "The link's sequences were empty; the preset's are shown instead.",
    "notice_bad_value": "The link's value for {name} ({value}) is not valid; the default is used.",
    "notice_bad_config": "The link's settings could not be used: {reason} Defaults are shown.",
    "train_diverged": (
        "Training diverged at step {step}: {problem}. The learning rate {lr} made the "
        "updates too big, and the numbers blew up. The weights of step {good_step}, the last "
        "good step, are kept. Try {tips}."
    ),
    "train_problem_weights": "some weights became infinite or not a number after the update",
    "train_problem_nan": "the loss became NaN (not a number)",
    "train_problem_inf": "the loss became infinite",
    "train_tip_lr": "a smaller learning rate (say {lr})",
    "train_tip_adam": "Adam instead of SGD",
    "train_tip_tanh": "tanh instead of ReLU",
    "train_tip_layers": "fewer layers",
    "train_tip_or": " or ",
    "error_scene_failed": "Something went wrong computing this scene. Try other settings.",
    "error_title": "This scene cannot be shown",
    # selection
    "select_sequence": "Sequence",
    "select_layer": "Layer",
    "select_direction": "Direction",
    "direction_forward": "forward",
    "direction_reverse": "reverse",
    "select_units": "Units drawn as lines",
    "select_units_help": "Up to 8 units; the heatmap always shows every unit.",
    # explanations
    "shapes_title": "Shapes",
    "shapes_all": "Every tensor and its shape",
    "shapes_read": "input_data as read",
    "shapes_read_bf": "read as (batch={batch}, seq={steps}, input={input})",
    "shapes_read_sf": "read as (seq={steps}, batch={batch}, input={input})",
    "shapes_col_tensor": "tensor",
    "shapes_col_shape": "shape",
    "shapes_col_dims": "what each dimension is",
    "shapes_caption": (
        "Weights are stacked per gate in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n). "
        "Layer k > 0 reads the outputs of layer k − 1 (both directions when bidirectional)."
    ),
    "dims_built": "(batch = lines, seq = tokens, input = features per token)",
    "dims_bf": "(batch, seq, input): batch_first=True reads it as built",
    "dims_sf": "(seq, batch, input): batch_first=False reads the first dimension as time",
    "dims_output_bf": "(batch, seq, directions × hidden): h_t of the top layer",
    "dims_output_sf": "(seq, batch, directions × hidden): h_t of the top layer",
    "dims_state": "(layers × directions, batch, hidden): the last state of every layer",
    "dims_weight_ih": "({gates} × hidden, input of this layer)",
    "dims_weight_hh": "({gates} × hidden, hidden)",
    "dims_bias_ih": "({gates} × hidden,)",
    "dims_bias_hh": "({gates} × hidden,)",
    "pitfall_title": "What you typed, and what PyTorch read with batch_first=False",
    "pitfall_typed": "You meant {lines} sequences of {steps} steps",
    "pitfall_read": "PyTorch read {steps} sequences of {lines} steps",
    "pitfall_typed_x": "token position",
    "pitfall_typed_y": "line you typed",
    "pitfall_read_x": "time step as read",
    "pitfall_read_y": "sequence as read",
    "pitfall_line": "line",
    "pitfall_sequence": "sequence",
    "pitfall_step": "step",
    "batch_first_pitfall": (
        "batch_first is off, so PyTorch reads the first dimension as time. You typed "
        "{lines} × {steps} (lines × tokens); PyTorch read {steps} × {lines} (sequences × "
        "steps): each sequence below is one column of what you typed."
    ),
    "batch_first_fix": "Read each line as one sequence (batch_first=True)",
    "batch_first_padding": (
        "Your lines have different lengths, so some of these steps are fed a zero vector "
        "(shown as ·): packing cannot skip padding in the middle of a sequence."
    ),
    "packed_note": (
        "Lines of different lengths are packed (pack_padded_sequence): steps past a line's "
        "end are never computed and show grey."
    ),
    "timeline_caption": (
        "Left, top: every hidden unit (rows) at every step (columns); colour is the value, "
        "blue below zero, red above. Left, bottom: the chosen units as lines. Right: where "
        "h_t goes, one point per step{pca}. Move through time with ▶ play, the slider, or the "
        "step buttons (← → keys): every chart's cursor moves, in your browser."
    ),
    "timeline_caption_pca": ", projected onto its two main directions (PCA)",
    "gates_caption_lstm": (
        "LSTM: c_t = f ⊙ c_(t−1) + i ⊙ g and h_t = o ⊙ tanh(c_t). The forget gate f keeps "
        "(near 1) or erases (near 0) the cell state; i decides how much of the candidate g "
        "is written; o how much of the cell is shown as h_t. c_t is not bounded to [-1, 1]: "
        "its colours saturate there; hover for the value."
    ),
    "gates_caption_gru": (
        "GRU: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) and h_t = (1 − z) ⊙ n + z ⊙ "
        "h_(t−1). The update gate z keeps the old state (near 1) or takes the candidate n; "
        "the reset gate r decides how much of the old state feeds the candidate."
    ),
    "gates_rnn": (
        "A plain RNN has no gates: h_t = {act}(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh). "
        "Choose LSTM or GRU to see gates and cell state."
    ),
    "gates_units_only": (
        "This layer has more than {most} units: the gates show the units chosen for the "
        "lines above."
    ),
    # figures
    "stepper_previous": "◀ step",
    "stepper_next": "step ▶",
    "stepper_hint": "or the ← → keys",
    "fig_time_token": "time step (token)",
    "fig_time_hover": "time step (hover for the token)",
    "fig_time_step": "time step",
    "fig_time_prefix": "time step:",
    "fig_value": "value",
    "fig_play": "▶ play",
    "fig_pause": "❚❚ pause",
    "fig_sequence_n": "sequence {n}",
    "fig_layer_n": "layer {n}",
    "fig_pc": "PC{k} · {share} of variance",
    "fig_hidden_state": "Hidden state",
    "fig_hidden_unit": "hidden unit",
    "fig_every_unit": "h_t, every unit (colour = value)",
    "fig_state_space": "h_t in state space",
    "fig_state_space_pca": "h_t in state space (PCA)",
    "fig_chosen_units": "chosen units over time",
    "fig_cell_state": "cell state c",
    "fig_unit": "unit",
    "fig_gates": "Gates",
    "fig_gates_cell": "Gates and cell state",
    "fig_input_title": "Input x_t",
    "fig_vocab_onehot": "vocabulary (one-hot position)",
    "fig_input_feature": "input feature",
    "fig_feature": "feature",
    "fig_training": "Training",
    "fig_train_step": "training step",
    "fig_train_loss": "loss",
    "fig_train_accuracy": "accuracy",
    "gate_input": "input gate i",
    "gate_forget": "forget gate f",
    "gate_candidate": "candidate g",
    "gate_output": "output gate o",
    "gate_reset": "reset gate r",
    "gate_update": "update gate z",
    "gate_candidate_n": "candidate n",
    "tab_step": "The step in numbers",
    "tab_gates": "Gates & cell state",
    "tab_weights": "Shared weights",
    "tab_repeats": "Same token, different state",
    "tab_unit_text": "A unit in the text",
    "tab_patterns": "Usage patterns",
    "tab_compare": "RNN · LSTM · GRU",
    "tab_order": "Why recurrence",
    "tab_input": "Input & vocabulary",
    "tab_code": "PyTorch code",
    "tab_export": "Export",
    "vocab_title": "Vocabulary: token → index → one-hot vector",
    "vocab_numbers": "Numbers are fed as their values; there is no vocabulary.",
    "vocab_col_token": "token",
    "vocab_col_index": "index",
    "vocab_col_onehot": "one-hot vector",
    "input_caption": "What each step is fed, x_t: one row per input feature.",
    "code_caption": (
        "Plain PyTorch that reproduces exactly what is on screen. Run it in a notebook: it "
        "prints the text below."
    ),
    "code_printout": "What it prints",
    "code_layout_note": (
        "The charts show the same numbers as outputs, sequence by sequence as PyTorch read them."
    ),
    "export_caption": (
        "Every state of this scene: hidden h, cell c (LSTM) and gates, with sequence, "
        "layer, direction, timestep and token. Charts: the camera icon saves a PNG."
    ),
    "export_csv": "Download CSV",
    "export_npz": "Download NumPy .npz",
    "check_ok": (
        "Checked: the step-by-step trace equals the module's own output "
        "(largest difference {error:.1e})."
    ),
    "check_bad": "Warning: the trace differs from the module's output by {error:.1e}.",
    "share_caption": "The address bar holds every setting: copy it to reopen this scene.",
    # training
    "train_title": "Train it: watch the hidden states learn",
    "train_caption": (
        "Next-token training, the lecture's way: each line without its last token is the "
        "input, each line without its first token the target (hihello: hihell → ihello); "
        "cross-entropy loss. Step 0 is exactly the untrained scene the charts show."
    ),
    "train_caption_numbers": (
        "Next-value training: each line without its last step is the input, its last step "
        "the target; the last step's output goes through a linear layer (many-to-one); "
        "mean squared error on values min–max scaled to [0, 1] (the charts then show the "
        "scaled input)."
    ),
    "train_scaling": (
        "Min–max scaling: x_scaled = (x − min) / (max − min) with min = {low} and "
        "max = {high} (per feature), so the network sees values in [0, 1]; predictions are "
        "shown back in your units."
    ),
    "train_head": "Output",
    "train_head_logits": "hidden = logits",
    "train_head_linear": "linear layer",
    "train_head_help": (
        "hidden = logits: the RNN's outputs are the logits, so hidden size must equal the "
        "vocabulary size (the lecture's way). Linear layer: nn.Linear(hidden, vocabulary) on top."
    ),
    "train_optimizer": "Optimizer",
    "train_lr": "Learning rate",
    "train_steps": "Steps",
    "train_seed": "Training seed",
    "train_seed_help": "Seeds the linear output layer; the RNN keeps the scene's seed.",
    "train_start": "Train",
    "train_cannot": "This cannot be trained.",
    "train_starting": "Starting…",
    "train_progress": "Step {step} of {total} · loss {loss:.4f} · predicted: {guess}",
    "train_other_settings": (
        "The trained model in this session belongs to other settings; the charts show the "
        "untrained model. Train again, or restore those settings."
    ),
    "train_uploaded": "Restored a model trained for {steps} steps: the charts show its weights.",
    "train_shown_step": "Weights shown in every chart",
    "train_step_label": "step {step}",
    "train_shown_step_help": (
        "Step 0 is the untrained model; every chart above and below redraws for the weights "
        "after that many updates."
    ),
    "train_col_step": "step",
    "train_col_prediction": "predicted",
    "train_col_target": "target",
    "train_col_line": "line {line}: predicted → target",
    "train_loss_change": "Loss {start:.4f} → {end:.4f}.",
    "train_never_correct": "The prediction never equalled the target.",
    "train_correct_held": "The prediction first equalled the target at step {step} and held.",
    "train_correct_lost": (
        "The prediction first equalled the target at step {step} but did not hold to the end."
    ),
    "train_logits_bounded": (
        "With the hidden state used as logits, tanh bounds every logit to [-1, 1], so the "
        "run can oscillate between answers: try a linear output layer."
    ),
    "train_download": "Download the trained model (.zip)",
    "train_download_help": "The weights as safetensors plus the settings as JSON, in one zip.",
    "train_upload": "Restore a trained model",
    "train_upload_help": (
        "A .zip downloaded from this app (at most 5 MB). It is checked and never executed."
    ),
    "train_upload_bad": "This file cannot be restored.",
    "code_caption_trained": (
        "Plain PyTorch that trains exactly what the explorer trained: run it and it prints "
        "the same loss and prediction at every step (below)."
    ),
    "code_printout_trained": "What it prints",
    "code_caption_untrained_too": "The untrained scene, as plain PyTorch:",
}

CORE_EN = EN
PARTS = tuple(
    importlib.import_module(f"components.i18n.{name}")
    for name in ("step", "weights", "patterns", "units", "compare", "queue", "limits")
)


def _merged(lang: str, core: dict[str, str]) -> dict[str, str]:
    table = dict(core)
    for part in PARTS:
        extra = getattr(part, lang.upper())
        clash = set(extra) & set(table)
        assert not clash, f"{part.__name__} repeats keys {sorted(clash)}"
        table.update(extra)
    return table


EN = _merged("en", CORE_EN)
KO = _merged("ko", text_ko.KO)
TABLES: dict[str, dict[str, str]] = {"en": EN, "ko": KO}
LANGUAGES = tuple(TABLES)


def t(key: str, lang: str = "en", **values) -> str:
    table = TABLES.get(lang, EN)
    text = table.get(key, EN[key])
    return text.format(**values) if values else text
