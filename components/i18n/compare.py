"""Texts of the compare part of the page (tabs "RNN · LSTM · GRU" and "Why recurrence"),
in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    # RNN · LSTM · GRU
    "cmp_intro": (
        "The same input, seed and hidden size through each cell type: only the cell "
        "changes. Every panel uses one colour scale (blue below zero, red above) and the same "
        "axes, so the cells can be compared at a glance. These are untrained cells."
    ),
    "cmp_computing": "Running RNN, LSTM and GRU on this scene…",
    "cmp_failed": "The comparison could not be computed for this scene. Try other settings.",
    "cmp_trained": (
        "The three cells side by side are untrained (their weights come from the seed). The "
        "two-sequence and layer charts below, like the charts above the tabs, show your "
        "trained weights."
    ),
    "cmp_cell_error": "{cell} cannot run this scene: {reason}",
    "cmp_costs_caption": (
        "Parameters: sum(p.numel()) over the module. Time: the median of up to {runs} "
        "forward passes of the module on this input (no autograd), measured on the server "
        "that runs this app, so it depends on that machine and on what else it is doing. "
        "Richer cells need more: per layer and direction an RNN has {rnn} weight block, a "
        "GRU {gru} (r, z, n) and an LSTM {lstm} (i, f, g, o)."
    ),
    "cmp_pair_title": "The same cell on two sequences",
    "cmp_seq_a": "First sequence",
    "cmp_seq_b": "Second sequence",
    "cmp_pair_caption": (
        "The same module with the same weights: only the input differs. Where the two "
        "sequences read the same token, compare the columns: the state also depends on "
        "what came before."
    ),
    "cmp_one_sequence": (
        "This scene has one sequence. Type a second line in the sidebar to compare two."
    ),
    "cmp_layers_title": "Every layer and direction at once",
    "cmp_layers_caption": (
        "Rows: layers, the first on top (it reads x_t; each layer above reads the outputs of "
        "the one below). Columns: directions. The reverse direction reads the sequence from "
        "its end, so its state at step t has seen the tokens from t to the end."
    ),
    "cmp_layers_single": (
        "This scene has one layer and one direction. Set Layers above 1 or turn on "
        "Bidirectional in the sidebar to see several at once."
    ),
    # the charts (components/compare_figures.py)
    "cmp_fig_cells": "h_t of each cell",
    "cmp_fig_parameters": "{n} parameters",
    "cmp_fig_cannot_run": "cannot run this scene:<br>see below",
    "cmp_fig_costs": "What each cell costs",
    "cmp_fig_param_axis": "parameters",
    "cmp_fig_time_axis": "forward time (ms), median",
    "cmp_fig_ms": "{ms} ms",
    "cmp_fig_two_sequences": "{cell}: two sequences",
    "cmp_fig_every_layer": "{cell}: every layer and direction",
    # Why recurrence
    "order_intro": (
        "Why recurrence? Sequence {number} and the same tokens in another order go through the "
        "same module: same weights, same initial state, same tokens. A recurrent state carries "
        "what came before, so the order changes where it ends."
    ),
    "order_tokens": "Original: {original} · shuffled: {shuffled}",
    "order_another": "another order",
    "order_another_help": "Draw another shuffle of the same tokens.",
    "order_all_same": (
        "Every token of this sequence is the same, so no order can differ from it. Choose "
        "another sequence above."
    ),
    "order_rnn_distance": "{cell}: distance between the end states h_n",
    "order_rnn_distance_help": (
        "Euclidean distance between h_n after the original order and after the shuffle "
        "(layer and direction chosen above). Zero would mean the order does not matter."
    ),
    "order_ff_distance": "Feed-forward: distance at the last step",
    "order_ff_distance_help": (
        "The feed-forward layer has no state; its last output depends only on the last token "
        "and the last position. It is zero when both orders end with the same token."
    ),
    "order_caption": (
        "Top: the original order; bottom: the shuffle. Left: the {cell}'s hidden state. "
        "Right: a plain feed-forward layer on each input vector with its position index t "
        "appended, tanh(W·[x_t, t] + b), seeded like the {cell}. Outlined steps hold the same "
        "token at the same step in both orders: there the feed-forward output is identical, "
        "while the {cell}'s state is not, because it carries everything read before."
    ),
    "order_none_kept": (
        "In this shuffle no token stayed at its step, so nothing is outlined: press "
        "“another order” for one that keeps a token in place."
    ),
    "order_long": (
        "Sequences longer than {most} steps are not outlined: hover over a step to compare "
        "its token and values."
    ),
    "order_position_note": (
        "**What the position index can carry, and what it cannot.** It tells the layer where "
        "a token stands: the same token at step 2 and at step 3 gives different outputs. It "
        "says nothing about the other tokens: the output at step t depends on x_t and t "
        "alone, so no step knows what came before, and nothing sums the sequence up at its "
        "end. The index is also a raw number that grows with the length: on long sequences it "
        "pushes tanh to its limits."
    ),
    "order_code_caption": (
        "The same in plain PyTorch: run it after the code in the PyTorch code tab, which "
        "builds input_data and rnn."
    ),
    "order_code_trained": (
        "With trained weights the {cell} numbers above come from your trained model; this "
        "code continues the untrained scene."
    ),
    "order_check": (
        "Checked: the shuffled run's trace equals its module's own output (largest "
        "difference {error:.1e})."
    ),
    "order_failed": "The shuffled run could not be computed for this scene.",
    # the chart (components/compare_figures.py)
    "order_fig_title": "Same tokens, another order",
    "order_fig_rnn_original": "{cell} h_t · original order",
    "order_fig_rnn_shuffled": "{cell} h_t · shuffled",
    "order_fig_ff_original": "feed-forward {formula} · original",
    "order_fig_ff_shuffled": "feed-forward · shuffled",
    "order_fig_ff_name": "feed-forward",
}

KO: dict[str, str] = {
    # RNN · LSTM · GRU
    "cmp_intro": (
        "같은 입력, 같은 시드, 같은 은닉 크기로 셀 종류만 바꾸어 실행한 결과입니다. 모든 패널이 "
        "하나의 색 척도(0보다 작으면 파랑, 크면 빨강)와 같은 축을 쓰므로 셀끼리 한눈에 비교할 수 "
        "있습니다. 학습하지 않은 셀입니다."
    ),
    "cmp_computing": "이 장면에서 RNN, LSTM, GRU를 실행하는 중…",
    "cmp_failed": "이 장면으로는 비교를 계산할 수 없습니다. 다른 설정을 시도해 보세요.",
    "cmp_trained": (
        "나란히 놓인 세 셀은 학습하지 않은 상태입니다(가중치는 시드에서 나옵니다). 아래의 두 "
        "시퀀스 차트와 층 차트는 탭 위의 차트처럼 학습된 가중치를 보여 줍니다."
    ),
    "cmp_cell_error": "{cell}은(는) 이 장면을 실행할 수 없습니다: {reason}",
    "cmp_costs_caption": (
        "파라미터 수: 모듈 전체의 sum(p.numel()). 시간: 이 입력에 대해 모듈의 순전파를 최대 "
        "{runs}번 실행한 시간의 중앙값(autograd 없이)이며, 이 앱을 실행하는 서버에서 잰 값이라 "
        "그 기계와 그때의 부하에 따라 달라집니다. 구조가 풍부한 셀일수록 자원이 더 듭니다: 층과 "
        "방향마다 RNN은 가중치 블록이 {rnn}개, GRU는 {gru}개(r, z, n), LSTM은 {lstm}개(i, f, "
        "g, o)입니다."
    ),
    "cmp_pair_title": "같은 셀, 두 시퀀스",
    "cmp_seq_a": "첫 번째 시퀀스",
    "cmp_seq_b": "두 번째 시퀀스",
    "cmp_pair_caption": (
        "같은 가중치를 가진 같은 모듈이고 입력만 다릅니다. 두 시퀀스가 같은 토큰을 읽는 열을 "
        "비교해 보세요: 은닉 상태는 앞에 무엇이 왔는지에도 달려 있습니다."
    ),
    "cmp_one_sequence": (
        "이 장면에는 시퀀스가 하나뿐입니다. 두 시퀀스를 비교하려면 사이드바에 두 번째 줄을 "
        "입력하세요."
    ),
    "cmp_layers_title": "모든 층과 방향을 한 번에",
    "cmp_layers_caption": (
        "행: 층(맨 위가 첫 번째 층으로 x_t를 읽고, 그 위의 각 층은 아래 층의 출력을 읽습니다). "
        "열: 방향. 역방향은 시퀀스를 끝에서부터 읽으므로, 시점 t의 상태는 t부터 끝까지의 토큰을 "
        "본 결과입니다."
    ),
    "cmp_layers_single": (
        "이 장면은 층 하나, 방향 하나입니다. 여러 개를 함께 보려면 사이드바에서 층 수를 2 이상으로 "
        "하거나 양방향(Bidirectional)을 켜세요."
    ),
    # the charts (components/compare_figures.py)
    "cmp_fig_cells": "셀별 h_t",
    "cmp_fig_parameters": "파라미터 {n}개",
    "cmp_fig_cannot_run": "이 장면은 실행할 수 없습니다:<br>아래를 보세요",
    "cmp_fig_costs": "셀마다 드는 비용",
    "cmp_fig_param_axis": "파라미터 수",
    "cmp_fig_time_axis": "순전파 시간 (ms, 중앙값)",
    "cmp_fig_ms": "{ms} ms",
    "cmp_fig_two_sequences": "{cell}: 두 시퀀스",
    "cmp_fig_every_layer": "{cell}: 모든 층과 방향",
    # Why recurrence
    "order_intro": (
        "왜 순환 구조일까요? {number}번 시퀀스와 같은 토큰을 다른 순서로 섞은 것을 같은 모듈에 "
        "넣습니다: 가중치도, 초기 상태도, 토큰도 같습니다. 순환 신경망의 은닉 상태는 앞에 온 것을 "
        "담고 있으므로, 순서가 바뀌면 마지막 상태도 달라집니다."
    ),
    "order_tokens": "원래 순서: {original} · 섞은 순서: {shuffled}",
    "order_another": "다른 순서",
    "order_another_help": "같은 토큰을 다른 순서로 다시 섞습니다.",
    "order_all_same": (
        "이 시퀀스의 토큰이 모두 같아서 어떤 순서로 섞어도 원래와 다르지 않습니다. 위에서 다른 "
        "시퀀스를 고르세요."
    ),
    "order_rnn_distance": "{cell}: 마지막 상태 h_n 사이의 거리",
    "order_rnn_distance_help": (
        "원래 순서로 읽은 뒤의 h_n과 섞은 순서로 읽은 뒤의 h_n 사이의 유클리드 거리입니다(위에서 "
        "고른 층과 방향). 0이라면 순서가 상관없다는 뜻입니다."
    ),
    "order_ff_distance": "피드포워드: 마지막 시점의 거리",
    "order_ff_distance_help": (
        "피드포워드 층에는 상태가 없습니다. 마지막 출력은 마지막 토큰과 마지막 위치에만 달려 "
        "있어서, 두 순서가 같은 토큰으로 끝나면 0입니다."
    ),
    "order_caption": (
        "위: 원래 순서, 아래: 섞은 순서. 왼쪽: {cell}의 은닉 상태. 오른쪽: 각 입력 벡터에 위치 "
        "인덱스 t를 덧붙여 통과시킨 단순한 피드포워드 층 tanh(W·[x_t, t] + b)로, {cell} 셀과 "
        "같은 시드로 초기화했습니다. 테두리를 친 시점은 두 순서에서 같은 자리에 같은 토큰이 있는 "
        "곳입니다: 그곳에서 피드포워드 출력은 똑같지만, {cell}의 상태는 앞에서 읽은 모든 것을 담고 "
        "있어서 다릅니다."
    ),
    "order_none_kept": (
        "이번에 섞은 순서에서는 제자리에 남은 토큰이 없어 테두리가 없습니다. 토큰이 제자리에 남는 "
        "순서를 보려면 “다른 순서”를 누르세요."
    ),
    "order_long": (
        "{most} 시점보다 긴 시퀀스에는 테두리를 치지 않습니다: 시점 위에 마우스를 올려 토큰과 값을 "
        "비교하세요."
    ),
    "order_position_note": (
        "**위치 인덱스가 담을 수 있는 것과 없는 것.** 위치 인덱스는 토큰이 어디에 있는지를 "
        "알려 줍니다: 같은 토큰이라도 시점 2와 시점 3에서는 출력이 다릅니다. 하지만 다른 토큰에 "
        "대해서는 아무것도 알려 주지 않습니다. 시점 t의 출력은 x_t와 t에만 달려 있으므로 어느 "
        "시점도 앞에 무엇이 왔는지 모르고, 끝에서 시퀀스 전체를 요약하는 것도 없습니다. 또 "
        "인덱스는 길이에 따라 계속 커지는 정수 그대로의 값이라서, 긴 시퀀스에서는 tanh를 "
        "포화시킵니다."
    ),
    "order_code_caption": (
        "같은 내용을 순수 PyTorch로: PyTorch 코드 탭의 코드(input_data와 rnn을 만듭니다) 다음에 "
        "실행하세요."
    ),
    "order_code_trained": (
        "학습된 가중치를 쓰는 중이므로 위의 {cell} 값은 학습된 모델에서 나온 것이고, 이 코드는 "
        "학습 전 장면을 이어서 실행합니다."
    ),
    "order_check": (
        "확인: 섞은 순서로 실행한 추적 결과가 모듈 자신의 출력과 일치합니다(최대 차이 {error:.1e})."
    ),
    "order_failed": "이 장면에서는 섞은 순서의 실행을 계산할 수 없습니다.",
    # the chart (components/compare_figures.py)
    "order_fig_title": "같은 토큰, 다른 순서",
    "order_fig_rnn_original": "{cell} h_t · 원래 순서",
    "order_fig_rnn_shuffled": "{cell} h_t · 섞은 순서",
    "order_fig_ff_original": "피드포워드 {formula} · 원래 순서",
    "order_fig_ff_shuffled": "피드포워드 · 섞은 순서",
    "order_fig_ff_name": "피드포워드",
}
