"""Texts of the step part of the page, in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    "step_intro": (
        "One step of the cell, in numbers: this layer's real weights, what it is fed, and "
        "every term of PyTorch's equations. Choose the step here (the charts' cursor moves "
        "in your browser only)."
    ),
    "step_choose": "Timestep · token",
    "step_choose_help": "Steps are numbered from 0, as on the charts' time axis.",
    "step_where": "Step {step}, token {token} · sequence {seq} · layer {layer} · {direction}.",
    "step_no_state": (
        "No state here: this sequence ends at step {last}. A packed sequence is never "
        "computed past its end, so there is nothing to show (the charts are grey there)."
    ),
    "step_padded": (
        "This step was fed a padding vector (all zeros): with batch_first off, the padding "
        "of a shorter line is read as a real step."
    ),
    "step_prev_initial": (
        "This is the first step this direction reads, so the previous state is the "
        "initial state h0."
    ),
    "step_prev_initial_lstm": (
        "This is the first step this direction reads, so the previous states are the "
        "initial states h0 and c0."
    ),
    "step_prev_step": "The previous state is the state after step {prev}.",
    "step_reverse": (
        "The reverse direction reads the sequence from its end, so its previous state is "
        "the one at step t+1."
    ),
    "step_onehot": (
        "x_t is one-hot (a 1 at index {index}), so every W x_t term is simply column "
        "{index} of its W: the token picks a column."
    ),
    "step_layer_input": (
        "Layer {layer} is fed the output of layer {below}: its h_t of every direction, "
        "concatenated ({size} numbers)."
    ),
    "step_shapes_rnn": "weight_ih is {ih} and weight_hh is {hh}.",
    "step_shapes_gates": (
        "PyTorch stores the gates' weights stacked in one matrix, in the order {order}: "
        "weight_ih is {ih} and weight_hh is {hh}. Each gate's W is a block of {hidden} rows."
    ),
    "step_no_bias": "This module has bias=False: there are no b terms.",
    "step_input_wide": (
        "x_t has {size} numbers, too many to write out: W x_t is shown by its result."
    ),
    "step_summary": (
        "With {hidden} hidden units the matrices are too big to write out. Each table "
        "shows the {count} units with the largest pre-activation (in size): the four terms "
        "that add up to it, the result of the activation, and which term weighs most."
    ),
    "step_result_table": "The {count} units whose state changed most at this step:",
    "step_match": (
        "This h_t is the state the charts show at step {step} (largest difference to the "
        "trace, over every term: {error:.1e})."
    ),
    "step_mismatch": "Warning: these numbers differ from the trace by {error:.1e}.",
    "step_col_unit": "unit",
    "step_col_pre": "pre-activation",
    "step_col_value": "after activation",
    "step_col_largest": "largest term",
    "step_col_input": "{term} · from the input",
    "step_col_state": "{term} · from the state",
    "step_col_bias": "{term} · bias",
    # one or two sentences per equation
    "step_eq_rnn_tanh": (
        "The new state mixes what comes in (W_ih x_t) with what the network remembers "
        "(W_hh h_(t−1)), plus the biases; tanh squeezes each sum into (−1, 1)."
    ),
    "step_eq_rnn_relu": (
        "The new state mixes what comes in (W_ih x_t) with what the network remembers "
        "(W_hh h_(t−1)), plus the biases; ReLU keeps positive sums and turns negative ones "
        "into 0."
    ),
    "step_eq_input": (
        "Input gate i_t: how much of the candidate g_t is written into the cell (σ gives 0 to 1)."
    ),
    "step_eq_forget": (
        "Forget gate f_t: how much of the old cell state c_(t−1) is kept (1 keeps it all, "
        "0 erases it)."
    ),
    "step_eq_candidate_lstm": "Candidate g_t: the new content that could be written, in (−1, 1).",
    "step_eq_output": "Output gate o_t: how much of the cell is shown as the hidden state.",
    "step_eq_cell": (
        "The cell state keeps f_t of the old cell and adds i_t of the candidate, unit by "
        "unit (⊙ multiplies element by element)."
    ),
    "step_eq_hidden_lstm": (
        "The hidden state is the cell squeezed by tanh, then let through by the output gate."
    ),
    "step_eq_reset": "Reset gate r_t: how much of the old state feeds the candidate.",
    "step_eq_update": "Update gate z_t: how much of the old state is kept as it is.",
    "step_eq_candidate_gru": (
        "Candidate n_t: the new content. As in PyTorch, r_t multiplies (W_hn h_(t−1) + "
        "b_hn), bias included."
    ),
    "step_eq_hidden_gru": (
        "The new state is a blend, unit by unit: z_t of the old state and 1 − z_t of the candidate."
    ),
}

KO: dict[str, str] = {
    "step_intro": (
        "셀의 한 시점(타임스텝)을 숫자로 봅니다. 이 층의 실제 가중치와 입력, 그리고 "
        "PyTorch 수식의 모든 항을 보여 줍니다. 시점은 여기서 고르세요 (차트의 커서는 "
        "브라우저 안에서만 움직입니다)."
    ),
    "step_choose": "시점 · 토큰",
    "step_choose_help": "차트의 시간축과 같이 시점은 0부터 셉니다.",
    "step_where": "시점 {step}, 토큰 {token} · 시퀀스 {seq} · 층 {layer} · {direction}.",
    "step_no_state": (
        "이 위치에는 상태가 없습니다. 이 시퀀스는 시점 {last}에서 끝납니다. 패킹된 "
        "시퀀스는 끝 이후를 계산하지 않으므로 보여 줄 값이 없습니다 (차트에서는 회색)."
    ),
    "step_padded": (
        "이 시점에는 패딩 벡터(모두 0)가 입력되었습니다. batch_first가 꺼져 있으면 짧은 "
        "줄의 패딩도 실제 시점으로 읽힙니다."
    ),
    "step_prev_initial": "이 방향이 처음 읽는 시점이므로 이전 상태는 초기 상태 h0입니다.",
    "step_prev_initial_lstm": (
        "이 방향이 처음 읽는 시점이므로 이전 상태는 초기 상태 h0와 c0입니다."
    ),
    "step_prev_step": "이전 상태는 시점 {prev} 이후의 상태입니다.",
    "step_reverse": ("역방향은 시퀀스를 끝에서부터 읽으므로, 이전 상태는 시점 t+1의 상태입니다."),
    "step_onehot": (
        "x_t가 원-핫 벡터(인덱스 {index}만 1)이므로 모든 W x_t 항은 해당 W의 {index}번 열 "
        "그대로입니다. "
        "토큰이 열 하나를 고르는 셈입니다."
    ),
    "step_layer_input": (
        "층 {layer}의 입력은 층 {below}의 출력, 즉 모든 방향의 h_t를 이어 붙인 것입니다 "
        "({size}개의 값)."
    ),
    "step_shapes_rnn": "weight_ih는 {ih}, weight_hh는 {hh}입니다.",
    "step_shapes_gates": (
        "PyTorch는 게이트들의 가중치를 {order} 순서로 한 행렬에 쌓아 둡니다. weight_ih는 "
        "{ih}, weight_hh는 {hh}이며, 각 게이트의 W는 그중 {hidden}개 행의 블록입니다."
    ),
    "step_no_bias": "이 모듈은 bias=False이므로 b 항이 없습니다.",
    "step_input_wide": (
        "x_t는 값이 {size}개라 모두 적기에는 너무 깁니다. W x_t는 계산 결과로 보여 줍니다."
    ),
    "step_summary": (
        "은닉 유닛이 {hidden}개라 행렬을 모두 적기에는 너무 큽니다. 각 표는 사전 활성값의 "
        "크기가 가장 큰 유닛 {count}개에 대해, 그 값을 이루는 네 항과 활성화 결과, 그리고 "
        "가장 큰 항을 보여 줍니다."
    ),
    "step_result_table": "이 시점에서 상태가 가장 크게 바뀐 유닛 {count}개:",
    "step_match": (
        "이 h_t는 차트가 시점 {step}에서 보여 주는 상태와 같습니다 (모든 항에 대해 "
        "trace와의 최대 차이: {error:.1e})."
    ),
    "step_mismatch": "경고: 이 값들이 trace와 {error:.1e}만큼 다릅니다.",
    "step_col_unit": "유닛",
    "step_col_pre": "사전 활성값",
    "step_col_value": "활성화 후",
    "step_col_largest": "가장 큰 항",
    "step_col_input": "{term} · 입력에서",
    "step_col_state": "{term} · 상태에서",
    "step_col_bias": "{term} · 편향",
    "step_eq_rnn_tanh": (
        "새 은닉 상태는 들어오는 입력(W_ih x_t)과 네트워크가 기억하는 것(W_hh h_(t−1))에 "
        "편향을 더해 섞은 것입니다. tanh가 각 합을 (−1, 1) 범위로 눌러 줍니다."
    ),
    "step_eq_rnn_relu": (
        "새 은닉 상태는 들어오는 입력(W_ih x_t)과 네트워크가 기억하는 것(W_hh h_(t−1))에 "
        "편향을 더해 섞은 것입니다. ReLU는 양수인 합은 그대로 두고 음수는 0으로 만듭니다."
    ),
    "step_eq_input": (
        "입력 게이트 i_t: 후보 g_t를 셀에 얼마나 쓸지 정합니다 (σ는 0에서 1 사이 값)."
    ),
    "step_eq_forget": (
        "망각 게이트 f_t: 이전 셀 상태 c_(t−1)를 얼마나 남길지 정합니다 (1이면 모두 "
        "유지, 0이면 지움)."
    ),
    "step_eq_candidate_lstm": "후보 g_t: 셀에 새로 쓸 수 있는 내용으로, (−1, 1) 사이 값입니다.",
    "step_eq_output": "출력 게이트 o_t: 셀의 내용을 은닉 상태로 얼마나 내보낼지 정합니다.",
    "step_eq_cell": (
        "셀 상태는 이전 셀의 f_t만큼을 남기고 후보의 i_t만큼을 더합니다. 유닛별로 "
        "계산합니다 (⊙는 원소별 곱)."
    ),
    "step_eq_hidden_lstm": (
        "은닉 상태는 셀 상태를 tanh로 누른 뒤, 출력 게이트가 통과시킨 만큼입니다."
    ),
    "step_eq_reset": "리셋 게이트 r_t: 이전 상태를 후보 계산에 얼마나 반영할지 정합니다.",
    "step_eq_update": "업데이트 게이트 z_t: 이전 상태를 얼마나 그대로 유지할지 정합니다.",
    "step_eq_candidate_gru": (
        "후보 n_t: 새 내용입니다. PyTorch와 같이 r_t는 편향까지 포함한 (W_hn h_(t−1) + "
        "b_hn)에 곱해집니다."
    ),
    "step_eq_hidden_gru": (
        "새 은닉 상태는 유닛별로 섞은 값입니다: 이전 상태의 z_t만큼과 후보의 1 − z_t만큼."
    ),
}
