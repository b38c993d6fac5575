"""Texts of the units part of the page, in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    # what is shown
    "units_q_h": "hidden state h",
    "units_q_c": "cell state c",
    "units_q_input": "input gate i",
    "units_q_forget": "forget gate f",
    "units_q_candidate": "candidate {symbol}",
    "units_q_output": "output gate o",
    "units_q_reset": "reset gate r",
    "units_q_update": "update gate z",
    # figures
    "units_fig_sequence": "sequence {number}",
    "units_fig_layer": "layer {number}",
    "units_fig_unit_axis": "unit",
    "units_fig_step_axis": "time step",
    "units_fig_sequence_axis": "sequence",
    "units_fig_distance": "distance",
    "units_fig_repeats_title": "Same token {token}, different states",
    "units_fig_repeats_left": "h_t, every unit: the steps that read {token} are marked",
    "units_fig_repeats_right": "distance between h_t at every two steps",
    "units_fig_heatmap_title": "{quantity}, every unit",
    "units_fig_where": "sequence {number} · t = {step} ({token})",
    "units_fig_text_title": "The text coloured by {unit} ({quantity})",
    "units_fig_mode_click": "☝ click: choose a unit",
    "units_fig_mode_box": "↔ drag: rank units over a stretch",
    # same token, different state
    "units_rep_caption": (
        "The same token can leave the network in a different state: h_t depends on the "
        "token and, through h_(t−1), on everything read before it. Distances are "
        "Euclidean, measured over all {hidden} units."
    ),
    "units_rep_token": "Repeated token",
    "units_rep_sentence_two": (
        "The two {token}s (steps {first} and {second}) are **{distance}** apart; two states "
        "of this sequence are on average **{typical}** apart."
    ),
    "units_rep_sentence_many": (
        "The {count} {token}s (steps {steps}) are on average **{distance}** apart (closest "
        "{closest}, farthest {farthest}); two states of this sequence are on average "
        "**{typical}** apart."
    ),
    "units_rep_closer": (
        "Closer than a typical pair, but not the same state: what came before still shows."
    ),
    "units_rep_farther": (
        "As far apart as a typical pair, or farther: here what came before matters as much "
        "as the token itself."
    ),
    "units_rep_same": (
        "The states are identical: here the state does not depend on what came before."
    ),
    "units_rep_none": "No token repeats in sequence {number}.",
    "units_rep_others": (
        "Sequences {numbers} of this batch have a repeated token: choose one under {label} above."
    ),
    "units_rep_try_hello": (
        "Or choose the preset “{preset}” in the sidebar: its two `l`s are the lecture's example."
    ),
    "units_rep_col_token": "token",
    "units_rep_col_count": "times",
    "units_rep_col_steps": "steps",
    "units_rep_col_mean": "mean distance",
    "units_rep_col_closest": "closest pair",
    "units_rep_col_farthest": "farthest pair",
    "units_rep_col_cosine": "mean cosine similarity",
    "units_rep_table_caption": (
        "Every repeated token of this sequence: how far apart the states after it are "
        "(Euclidean; for contrast, two states of this sequence are on average {typical} "
        "apart). Cosine similarity 1 means the states point the same way."
    ),
    "units_rep_no_matrix": (
        "This sequence has more than {most} steps: the step-by-step distance matrix is left out."
    ),
    # a unit in the text
    "units_text_caption": (
        "The typed text coloured by one unit, as in Karpathy's cell visualisations: red "
        "above zero, blue below, white near zero. Each sequence of the batch is one row; "
        "hover a character for its value."
    ),
    "units_text_quantity": "Show",
    "units_text_unit": "Unit",
    "units_text_unit_help": "Or click a cell in the heatmap below.",
    "units_text_heatmap_caption": (
        "Click a cell to colour the text by its unit (outlined). To rank the units most "
        "active over a stretch of time, press “↔ drag” above the heatmap and drag across "
        "the stretch (dashed outline)."
    ),
    "units_text_window": "Showing sequences {first}–{last} of {total}.",
    "units_text_cut": "These sequences are long: their first {steps} steps are shown.",
    "units_text_rank_title": "Units most active over steps {start}–{stop} of sequence {number}",
    "units_text_rank_tokens": "The stretch reads {tokens}.",
    "units_text_rank_contrast": (
        "Ranked by how differently each unit behaves inside the stretch than in the rest of "
        "the sequence, as LSTMVis does: score = |mean inside − mean outside|."
    ),
    "units_text_rank_all": "The stretch covers the whole sequence: ranked by |mean value|.",
    "units_text_col_rank": "rank",
    "units_text_col_unit": "unit",
    "units_text_col_score": "score",
    "units_text_col_inside": "mean inside",
    "units_text_col_outside": "mean outside",
    "units_text_use_top": "Colour the text by {unit}",
    "units_text_clear": "Clear the stretch",
}

KO: dict[str, str] = {
    # what is shown
    "units_q_h": "은닉 상태 h",
    "units_q_c": "셀 상태 c",
    "units_q_input": "입력 게이트 i",
    "units_q_forget": "망각 게이트 f",
    "units_q_candidate": "후보 {symbol}",
    "units_q_output": "출력 게이트 o",
    "units_q_reset": "리셋 게이트 r",
    "units_q_update": "업데이트 게이트 z",
    # figures
    "units_fig_sequence": "시퀀스 {number}",
    "units_fig_layer": "층 {number}",
    "units_fig_unit_axis": "유닛",
    "units_fig_step_axis": "시점(타임스텝)",
    "units_fig_sequence_axis": "시퀀스",
    "units_fig_distance": "거리",
    "units_fig_repeats_title": "같은 토큰 {token}, 다른 상태",
    "units_fig_repeats_left": "모든 유닛의 h_t: {token}을(를) 읽은 시점을 표시",
    "units_fig_repeats_right": "두 시점의 h_t 사이 거리",
    "units_fig_heatmap_title": "{quantity}, 모든 유닛",
    "units_fig_where": "시퀀스 {number} · t = {step} ({token})",
    "units_fig_text_title": "{unit}({quantity})로 색칠한 텍스트",
    "units_fig_mode_click": "☝ 클릭: 유닛 고르기",
    "units_fig_mode_box": "↔ 드래그: 구간의 유닛 순위",
    # same token, different state
    "units_rep_caption": (
        "같은 토큰을 읽어도 네트워크의 상태는 달라질 수 있습니다. h_t는 그 토큰뿐 아니라 "
        "h_(t−1)을 통해 앞서 읽은 모든 것에 의존하기 때문입니다. 거리는 {hidden}개 유닛 "
        "전체에서 잰 유클리드 거리입니다."
    ),
    "units_rep_token": "반복된 토큰",
    "units_rep_sentence_two": (
        "두 {token}(시점 {first}, {second})의 상태는 서로 **{distance}** 떨어져 있습니다. "
        "이 시퀀스의 두 상태는 평균 **{typical}** 떨어져 있습니다."
    ),
    "units_rep_sentence_many": (
        "{count}개의 {token}(시점 {steps})의 상태는 평균 **{distance}** 떨어져 있습니다"
        "(가장 가까운 쌍 {closest}, 가장 먼 쌍 {farthest}). 이 시퀀스의 두 상태는 평균 "
        "**{typical}** 떨어져 있습니다."
    ),
    "units_rep_closer": (
        "보통의 두 상태보다는 가깝지만 같은 상태는 아닙니다. 앞서 읽은 것이 여전히 드러납니다."
    ),
    "units_rep_farther": (
        "보통의 두 상태만큼, 혹은 그보다 더 떨어져 있습니다. 여기서는 앞서 읽은 것이 토큰 "
        "자체만큼 중요합니다."
    ),
    "units_rep_same": "두 상태가 똑같습니다. 여기서는 상태가 앞서 읽은 것에 의존하지 않습니다.",
    "units_rep_none": "시퀀스 {number}에는 반복되는 토큰이 없습니다.",
    "units_rep_others": (
        "이 배치에서는 시퀀스 {numbers}에 반복되는 토큰이 있습니다. 위의 {label}에서 골라 보세요."
    ),
    "units_rep_try_hello": (
        "또는 사이드바에서 프리셋 “{preset}”을(를) 고르세요. 두 개의 `l`이 강의의 예입니다."
    ),
    "units_rep_col_token": "토큰",
    "units_rep_col_count": "횟수",
    "units_rep_col_steps": "시점",
    "units_rep_col_mean": "평균 거리",
    "units_rep_col_closest": "가장 가까운 쌍",
    "units_rep_col_farthest": "가장 먼 쌍",
    "units_rep_col_cosine": "평균 코사인 유사도",
    "units_rep_table_caption": (
        "이 시퀀스에서 반복되는 모든 토큰과, 그 토큰을 읽은 뒤의 상태들이 서로 얼마나 "
        "떨어져 있는지(유클리드 거리; 비교하자면 이 시퀀스의 두 상태는 평균 {typical} 떨어져 "
        "있습니다). 코사인 유사도 1은 두 상태의 방향이 같다는 뜻입니다."
    ),
    "units_rep_no_matrix": ("이 시퀀스는 {most} 시점보다 길어서 시점별 거리 행렬은 생략합니다."),
    # a unit in the text
    "units_text_caption": (
        "Karpathy의 셀 시각화처럼 입력한 텍스트를 유닛 하나의 값으로 색칠합니다. 0보다 크면 "
        "빨강, 작으면 파랑, 0 근처는 흰색입니다. 배치의 각 시퀀스가 한 줄이며, 글자에 "
        "마우스를 올리면 값이 보입니다."
    ),
    "units_text_quantity": "표시할 값",
    "units_text_unit": "유닛",
    "units_text_unit_help": "아래 히트맵에서 칸을 클릭해도 됩니다.",
    "units_text_heatmap_caption": (
        "칸을 클릭하면 그 유닛으로 텍스트를 색칠합니다(테두리 표시). 어떤 시간 구간에서 가장 "
        "활발한 유닛의 순위를 보려면 히트맵 위의 “↔ 드래그”를 누르고 그 구간을 드래그하세요"
        "(점선 테두리)."
    ),
    "units_text_window": "전체 {total}개 중 시퀀스 {first}–{last}을(를) 보여 줍니다.",
    "units_text_cut": "시퀀스가 길어서 앞의 {steps} 시점만 보여 줍니다.",
    "units_text_rank_title": "시퀀스 {number}의 시점 {start}–{stop}에서 가장 활발한 유닛",
    "units_text_rank_tokens": "이 구간의 토큰: {tokens}",
    "units_text_rank_contrast": (
        "LSTMVis처럼, 구간 안과 시퀀스의 나머지 부분에서 유닛이 얼마나 다르게 움직이는지로 "
        "순위를 매깁니다: 점수 = |구간 안 평균 − 구간 밖 평균|."
    ),
    "units_text_rank_all": "구간이 시퀀스 전체를 덮으므로 |평균값|으로 순위를 매깁니다.",
    "units_text_col_rank": "순위",
    "units_text_col_unit": "유닛",
    "units_text_col_score": "점수",
    "units_text_col_inside": "구간 안 평균",
    "units_text_col_outside": "구간 밖 평균",
    "units_text_use_top": "{unit}(으)로 텍스트 색칠하기",
    "units_text_clear": "구간 지우기",
}
