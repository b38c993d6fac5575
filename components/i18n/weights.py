"""Texts of the weights part of the page, in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    "weights_hover_column": "column",
    # the unrolled network (components/weights_figure.py)
    "unrolled_title": "Unrolled over sequence {seq}{where}: the same weights at every step",
    "unrolled_initial": "initial<br>state",
    "unrolled_row_input": "input x<sub>t</sub>",
    "unrolled_row_below": "h<sub>t</sub> from below",
    "unrolled_row_hidden": "hidden h<sub>t</sub>",
    "weights_layer": "layer {layer}",
    # the heatmaps
    "weights_heatmap_title": "The weights{where}: one set, used at every step",
    "weights_gate_input": "input gate i",
    "weights_gate_forget": "forget gate f",
    "weights_gate_candidate_g": "candidate g",
    "weights_gate_output": "output gate o",
    "weights_gate_reset": "reset gate r",
    "weights_gate_update": "update gate z",
    "weights_gate_candidate_n": "candidate n",
    "weights_rows_units": "row = hidden unit",
    "weights_rows_gates": "gate blocks of {hidden} rows",
    "weights_columns_previous": "previous h<sub>t−1</sub>",
    "weights_columns_below": "layer {layer}'s output h<sub>t</sub>",
    "weights_columns_onehot": "input x<sub>t</sub> (one-hot)",
    "weights_columns_embedding": "input x<sub>t</sub> (embedding)",
    "weights_columns_numbers": "input x<sub>t</sub> (numbers)",
    "weights_colorbar": "weight<br>(not bounded<br>to [−1, 1])",
    # the panel (components/panel_weights.py)
    "weights_intro": (
        "An RNN is one cell applied again and again. Below, the chosen layer and direction "
        "is drawn once per step of the chosen sequence: every step multiplies its input by "
        "the same W_ih and the previous state by the same W_hh (and adds the same biases)."
    ),
    "weights_long": (
        "This sequence has {steps:,} steps; the drawing shows at most {most} columns: the "
        "first {first} steps, “…”, and the last."
    ),
    "weights_any_length": (
        "**Why any length works:** the parameters belong to the cell, not to a position, so "
        "the same module reads 3 tokens or 1,000 with exactly the same weights; a longer "
        "sequence only means more steps."
    ),
    "weights_caption": (
        "Each heatmap is a parameter of the module, by its PyTorch name; the title gives "
        "its shape. Colour: blue below zero, red above, one scale for all of them, "
        "symmetric around 0 and set by the largest weight (±{largest:.3f}): weights are "
        "not bounded to [−1, 1]. Hover a cell for its value."
    ),
    "weights_caption_gates": (
        "The rows come in {gates} blocks of {hidden}, one block per gate, in PyTorch's "
        "order ({order}): W_ih is really {gates} matrices stacked."
    ),
    "weights_caption_onehot": (
        "With one-hot input, W_ih x_t is simply the column of the token fed: each column "
        "of W_ih belongs to one token of the vocabulary."
    ),
    "weights_cut": (
        "A large layer: the heatmaps draw the first {units} units of each gate block and "
        "the first {columns} columns; the colour scale and the counts below cover every "
        "weight."
    ),
    "weights_no_bias": (
        "bias=False: this module has no biases, only W_ih and W_hh (b_ih and b_hh are "
        "not there, so nothing is added)."
    ),
    "weights_count_title": "Parameters",
    "weights_count_here_bias": (
        "This layer and direction: W_ih {rows}×{inputs} = {n_ih:,} + W_hh {rows}×{hidden} "
        "= {n_hh:,} + b_ih {rows} + b_hh {rows} = **{here:,}**."
    ),
    "weights_count_here_nobias": (
        "This layer and direction: W_ih {rows}×{inputs} = {n_ih:,} + W_hh {rows}×{hidden} "
        "= {n_hh:,} = **{here:,}**."
    ),
    "weights_count_total": (
        "The whole module (layers × directions = {layers} × {directions}): "
        "**{total:,} parameters**, as `sum(p.numel() for p in rnn.parameters())` counts "
        "them — the same for any sequence length."
    ),
    "weights_count_embedding": (
        "The nn.Embedding in front of the RNN has its own weights; they are not part of "
        "the RNN module and not counted here."
    ),
}

KO: dict[str, str] = {
    "weights_hover_column": "열",
    "unrolled_title": "펼친 모습 · 시퀀스 {seq}{where}: 모든 시점에서 같은 가중치",
    "unrolled_initial": "초기<br>상태",
    "unrolled_row_input": "입력 x<sub>t</sub>",
    "unrolled_row_below": "아래 층의 h<sub>t</sub>",
    "unrolled_row_hidden": "은닉 상태 h<sub>t</sub>",
    "weights_layer": "{layer}층",
    "weights_heatmap_title": "가중치{where}: 모든 시점이 함께 쓰는 한 벌",
    "weights_gate_input": "입력 게이트 i",
    "weights_gate_forget": "망각 게이트 f",
    "weights_gate_candidate_g": "후보 g",
    "weights_gate_output": "출력 게이트 o",
    "weights_gate_reset": "리셋 게이트 r",
    "weights_gate_update": "업데이트 게이트 z",
    "weights_gate_candidate_n": "후보 n",
    "weights_rows_units": "행 = 은닉 유닛",
    "weights_rows_gates": "게이트별 {hidden}행 블록",
    "weights_columns_previous": "이전 h<sub>t−1</sub>",
    "weights_columns_below": "{layer}층의 출력 h<sub>t</sub>",
    "weights_columns_onehot": "입력 x<sub>t</sub> (원-핫)",
    "weights_columns_embedding": "입력 x<sub>t</sub> (임베딩)",
    "weights_columns_numbers": "입력 x<sub>t</sub> (수치)",
    "weights_colorbar": "가중치<br>([−1, 1]로<br>제한되지 않음)",
    "weights_intro": (
        "RNN은 하나의 셀을 계속 반복해서 적용하는 구조입니다. 아래 그림은 선택한 층과 방향을 "
        "선택한 시퀀스의 시점마다 하나씩 그린 것입니다. 모든 시점에서 입력에는 같은 W_ih를, "
        "이전 상태에는 같은 W_hh를 곱하고, 같은 편향을 더합니다."
    ),
    "weights_long": (
        "이 시퀀스는 {steps:,}개 시점으로 이루어져 있습니다. 그림에는 최대 {most}개 열만 "
        "그립니다: 처음 {first}개 시점, “…”, 그리고 마지막 시점."
    ),
    "weights_any_length": (
        "**길이에 상관없이 동작하는 이유:** 파라미터는 위치가 아니라 셀에 속해 있습니다. "
        "그래서 같은 모듈이 토큰 3개든 1,000개든 똑같은 가중치로 읽습니다. 시퀀스가 길어지면 "
        "시점 수만 늘어날 뿐입니다."
    ),
    "weights_caption": (
        "각 히트맵은 모듈의 파라미터 하나이며, PyTorch 이름과 모양(shape)을 제목에 적었습니다. "
        "색은 0보다 작으면 파랑, 크면 빨강이고, 모든 히트맵이 하나의 색 척도를 씁니다. 척도는 "
        "0을 중심으로 대칭이며 가장 큰 가중치(±{largest:.3f})에 맞춥니다. 가중치는 [−1, 1]로 "
        "제한되지 않습니다. 칸에 마우스를 올리면 값이 보입니다."
    ),
    "weights_caption_gates": (
        "행은 {hidden}행짜리 블록 {gates}개로 나뉘며, 블록 하나가 게이트 하나입니다. 순서는 "
        "PyTorch의 순서({order})를 따릅니다. 즉 W_ih는 사실 행렬 {gates}개를 쌓은 것입니다."
    ),
    "weights_caption_onehot": (
        "원-핫 입력에서는 W_ih x_t가 곧 입력된 토큰의 열입니다. W_ih의 각 열은 어휘의 토큰 "
        "하나에 대응합니다."
    ),
    "weights_cut": (
        "큰 층입니다: 히트맵에는 게이트 블록마다 처음 {units}개 유닛과 처음 {columns}개 열만 "
        "그렸습니다. 색 척도와 아래의 개수는 모든 가중치를 대상으로 합니다."
    ),
    "weights_no_bias": (
        "bias=False: 이 모듈에는 편향이 없고 W_ih와 W_hh만 있습니다 (b_ih, b_hh가 없으므로 "
        "더해지는 값도 없습니다)."
    ),
    "weights_count_title": "파라미터",
    "weights_count_here_bias": (
        "이 층과 방향: W_ih {rows}×{inputs} = {n_ih:,} + W_hh {rows}×{hidden} = {n_hh:,} "
        "+ b_ih {rows} + b_hh {rows} = **{here:,}**."
    ),
    "weights_count_here_nobias": (
        "이 층과 방향: W_ih {rows}×{inputs} = {n_ih:,} + W_hh {rows}×{hidden} = {n_hh:,} "
        "= **{here:,}**."
    ),
    "weights_count_total": (
        "모듈 전체(층 × 방향 = {layers} × {directions}): **파라미터 {total:,}개**로, "
        "`sum(p.numel() for p in rnn.parameters())`로 센 값과 같습니다. 시퀀스 길이와 "
        "상관없이 그대로입니다."
    ),
    "weights_count_embedding": (
        "RNN 앞의 nn.Embedding에는 따로 가중치가 있지만, RNN 모듈에 속하지 않으므로 여기서는 "
        "세지 않았습니다."
    ),
}
