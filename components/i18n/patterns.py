"""Texts of the patterns part of the page, in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    # the diagram (components/unrolled_figures.py)
    "patterns_name_one_to_one": "One-to-one",
    "patterns_name_one_to_many": "One-to-many",
    "patterns_name_many_to_one": "Many-to-one",
    "patterns_name_many_to_many": "Many-to-many (aligned)",
    "patterns_name_encoder_decoder": "Encoder–decoder",
    "patterns_example_one_to_one": "one input, one output (e.g. an image → a label)",
    "patterns_example_one_to_many": "one input, then a sequence (e.g. a generator)",
    "patterns_example_many_to_one": "e.g. a sentence → a sentiment",
    "patterns_example_many_to_many": "e.g. a label per frame of a video",
    "patterns_example_encoder_decoder": "e.g. translation",
    "patterns_row_inputs": "inputs",
    "patterns_row_cells": "network",
    "patterns_row_outputs": "outputs",
    "patterns_start": "start",
    "patterns_decoder_note": "decoder: a second RNN, not built here",
    "patterns_handoff": "{tensors}<br>→ decoder",
    "patterns_every_step": "every {expr}",
    "patterns_each_call": "{expr} of each step",
    # the panel (components/panel_patterns.py)
    "patterns_intro": (
        "The same recurrent module serves very different tasks; what changes is what you "
        "feed it and which of its outputs you use. Blue: your tokens. Green: the outputs "
        "the task uses. Grey: outputs computed but ignored."
    ),
    "patterns_choose": "Usage pattern",
    "patterns_explain_one_to_one": (
        "One step, nothing carried over: the module is fed only the first token, "
        "`{feed}`, and its one output is used. With a single step the recurrence never "
        "acts; the RNN is a plain layer."
    ),
    "patterns_explain_one_to_many": (
        "The first token starts it (`{feed}`); from then on each step is fed the previous "
        "step's prediction, as in a generator: the next input is the previous prediction. "
        "The module runs one step at a time, carrying its state."
    ),
    "patterns_generated": (
        "Here the outputs are logits over the vocabulary (hidden size = vocabulary size, "
        "as in the hihello lecture), so the explorer really feeds the largest one's token "
        "back: from {first} it generates {tokens}."
    ),
    "patterns_not_generated": (
        "To feed an output back it must become the next input: here the output has "
        "{width} values and the input {inputs}, so a linear layer (not built here) would "
        "map h_t to the next token. With one direction, one-hot input and hidden size = "
        "vocabulary size (the hihello preset) the explorer feeds its predictions back "
        "itself. Below: the first step, the one it can compute."
    ),
    "patterns_explain_many_to_one": (
        "Every token goes in; only the last step's output is used (a linear layer on top "
        "would turn it into the sentiment). It has seen the whole sequence."
    ),
    "patterns_explain_many_to_many": (
        "Every token goes in and every step's output is used: one label per step, each "
        "knowing the steps before it."
    ),
    "patterns_explain_encoder_decoder": (
        "The encoder (this module) reads every token; its outputs are not used, only its "
        "final state, which becomes the decoder's initial state. The decoder is a second "
        "RNN, drawn here but not built: it starts from a start token and feeds each "
        "prediction back, like one-to-many, so the output can have another length."
    ),
    "patterns_tensors_title": "Which tensor holds them",
    "patterns_names_note": (
        "Names as in PyTorch's documentation, `output, h_n = rnn(x)` (LSTM: `output, (h_n, "
        "c_n)`); the PyTorch code tab calls them `outputs, _status` and the input "
        "`input_data`."
    ),
    "patterns_feed_line": "Fed: `{feed}`.",
    "patterns_tensor_line": (
        "`{expression}`: shape {shape} for the whole batch; sequence {seq} alone is `{single}`."
    ),
    "patterns_note_bidirectional_last": (
        "Two directions: `output[:, -1]` (the last step) holds the forward direction's "
        "last state but the reverse direction's state after one step — it has read only "
        "the last token. `h_n` holds both ends: `h_n[-2]` is the forward direction after "
        "the whole sequence, `h_n[-1]` the reverse direction after the whole sequence. "
        "A many-to-one task concatenates them."
    ),
    "patterns_note_bidirectional": (
        "Two directions: each output holds both side by side, the first {hidden} values "
        "from the forward direction (it has read the steps up to t), the last {hidden} from "
        "the reverse direction (it has read the steps from t to the end)."
    ),
    "patterns_note_packed": (
        "This sequence ({length} steps) is shorter than the longest line and the batch is "
        "packed: its outputs past its end are zero padding, so `output[:, -1]` would read "
        "zeros for it. Read its own last step, or `h_n`, which PyTorch fills at each "
        "sequence's own end."
    ),
    "patterns_note_time_first": (
        "batch_first is off: time is the first index of `output`, so the last step is "
        "`output[-1]`, not `output[:, -1]`."
    ),
    "patterns_note_layers": (
        "{layers} layers: `output` holds the top layer only; `h_n` has one row per layer "
        "and direction, the top layer's last."
    ),
    "patterns_values_title": "PyTorch's values for sequence {seq}",
    "patterns_col_tensor": "tensor",
    "patterns_col_values": "values",
    "patterns_col_token": "token",
    "patterns_col_fed": "fed",
    "patterns_col_predicted": "predicted",
    "patterns_col_state": "layer · direction",
    "patterns_values_cut": "Each row shows its first {most} values.",
}

KO: dict[str, str] = {
    "patterns_name_one_to_one": "일대일",
    "patterns_name_one_to_many": "일대다",
    "patterns_name_many_to_one": "다대일",
    "patterns_name_many_to_many": "다대다 (정렬)",
    "patterns_name_encoder_decoder": "인코더–디코더",
    "patterns_example_one_to_one": "입력 하나, 출력 하나 (예: 이미지 → 레이블)",
    "patterns_example_one_to_many": "입력 하나로 시퀀스 생성 (예: 생성 모델)",
    "patterns_example_many_to_one": "예: 문장 → 감성",
    "patterns_example_many_to_many": "예: 동영상 프레임마다 레이블",
    "patterns_example_encoder_decoder": "예: 번역",
    "patterns_row_inputs": "입력",
    "patterns_row_cells": "네트워크",
    "patterns_row_outputs": "출력",
    "patterns_start": "시작",
    "patterns_decoder_note": "디코더: 두 번째 RNN (여기서는 만들지 않음)",
    "patterns_handoff": "{tensors}<br>→ 디코더",
    "patterns_every_step": "모든 {expr}",
    "patterns_each_call": "각 시점의 {expr}",
    "patterns_intro": (
        "같은 순환 모듈이 전혀 다른 과제에 쓰입니다. 달라지는 것은 무엇을 입력하고 출력 중 "
        "무엇을 쓰느냐입니다. 파랑: 입력한 토큰. 초록: 과제가 쓰는 출력. 회색: 계산은 되지만 "
        "쓰지 않는 출력."
    ),
    "patterns_choose": "사용 패턴",
    "patterns_explain_one_to_one": (
        "한 시점뿐이라 넘겨줄 상태가 없습니다. 모듈에는 첫 토큰 `{feed}`만 넣고, 그 출력 "
        "하나를 씁니다. 시점이 하나이면 순환이 일어나지 않으므로 RNN은 평범한 층과 같습니다."
    ),
    "patterns_explain_one_to_many": (
        "첫 토큰(`{feed}`)으로 시작하고, 그다음부터는 각 시점에 바로 앞 시점의 예측을 "
        "입력합니다. 생성 모델처럼 다음 입력이 이전 예측입니다. 모듈은 상태를 이어 가며 한 "
        "시점씩 실행됩니다."
    ),
    "patterns_generated": (
        "여기서는 출력이 곧 어휘에 대한 로짓입니다(은닉 크기 = 어휘 크기, hihello 강의와 "
        "같음). 그래서 가장 큰 값의 토큰을 실제로 다시 입력합니다: {first}에서 시작해 "
        "{tokens}을(를) 생성합니다."
    ),
    "patterns_not_generated": (
        "출력을 다시 넣으려면 그것이 다음 입력이 되어야 합니다. 여기서는 출력이 {width}개 "
        "값이고 입력은 {inputs}개이므로, h_t를 다음 토큰으로 바꾸는 선형 층(여기서는 만들지 "
        "않음)이 필요합니다. 단방향, 원-핫 입력, 은닉 크기 = 어휘 크기(hihello 프리셋)이면 "
        "예측을 직접 다시 입력합니다. 아래는 계산할 수 있는 첫 시점입니다."
    ),
    "patterns_explain_many_to_one": (
        "모든 토큰을 입력하고, 마지막 시점의 출력만 씁니다(그 위의 선형 층이 감성으로 "
        "바꿉니다). 이 출력은 시퀀스 전체를 본 결과입니다."
    ),
    "patterns_explain_many_to_many": (
        "모든 토큰을 입력하고 모든 시점의 출력을 씁니다. 시점마다 레이블이 하나씩 나오며, "
        "각 출력은 그 앞의 시점들을 알고 있습니다."
    ),
    "patterns_explain_encoder_decoder": (
        "인코더(이 모듈)가 모든 토큰을 읽습니다. 인코더의 출력은 쓰지 않고 마지막 상태만 "
        "쓰며, 그것이 디코더의 초기 상태가 됩니다. 디코더는 두 번째 RNN으로, 그림에만 있고 "
        "만들지는 않았습니다. 시작 토큰에서 출발해 예측을 다시 입력하므로(일대다와 같음) "
        "출력 길이가 입력과 달라도 됩니다."
    ),
    "patterns_tensors_title": "어느 텐서에 들어 있나",
    "patterns_names_note": (
        "이름은 PyTorch 문서의 `output, h_n = rnn(x)`를 따릅니다(LSTM: `output, (h_n, c_n)`). "
        "PyTorch 코드 탭에서는 같은 텐서를 `outputs, _status`, 입력을 `input_data`라고 "
        "부릅니다."
    ),
    "patterns_feed_line": "입력: `{feed}`.",
    "patterns_tensor_line": (
        "`{expression}`: 배치 전체의 모양은 {shape}이고, 시퀀스 {seq} 하나만 보면 `{single}`입니다."
    ),
    "patterns_note_bidirectional_last": (
        "양방향: `output[:, -1]`(마지막 시점)에는 정방향의 마지막 상태와 함께, 역방향이 "
        "한 시점만 읽은 상태가 들어 있습니다. 역방향은 마지막 토큰 하나만 본 셈입니다. "
        "`h_n`에는 양쪽 끝이 들어 있습니다: `h_n[-2]`는 시퀀스 전체를 읽은 정방향, "
        "`h_n[-1]`은 시퀀스 전체를 읽은 역방향입니다. 다대일 과제는 둘을 이어 붙여 씁니다."
    ),
    "patterns_note_bidirectional": (
        "양방향: 각 출력에 두 방향이 나란히 들어 있습니다. 앞의 {hidden}개 값은 정방향"
        "(처음부터 t까지 읽은 상태), 뒤의 {hidden}개 값은 역방향(t부터 끝까지 읽은 상태)입니다."
    ),
    "patterns_note_packed": (
        "이 시퀀스({length}개 시점)는 가장 긴 줄보다 짧고 배치는 패킹되어 있습니다. 끝 이후의 "
        "출력은 0 패딩이라 `output[:, -1]`로 읽으면 0이 나옵니다. 이 시퀀스의 마지막 시점을 "
        "읽거나, PyTorch가 시퀀스마다 실제 끝에서 채워 주는 `h_n`을 쓰세요."
    ),
    "patterns_note_time_first": (
        "batch_first가 꺼져 있어 `output`의 첫 번째 인덱스가 시간입니다. 그래서 마지막 "
        "시점은 `output[:, -1]`이 아니라 `output[-1]`입니다."
    ),
    "patterns_note_layers": (
        "{layers}개 층: `output`에는 맨 위층만 들어 있고, `h_n`에는 층과 방향마다 한 행씩 "
        "있으며 맨 위층이 마지막입니다."
    ),
    "patterns_values_title": "시퀀스 {seq}에 대한 PyTorch의 값",
    "patterns_col_tensor": "텐서",
    "patterns_col_values": "값",
    "patterns_col_token": "토큰",
    "patterns_col_fed": "입력",
    "patterns_col_predicted": "예측",
    "patterns_col_state": "층 · 방향",
    "patterns_values_cut": "각 행에는 처음 {most}개 값만 보입니다.",
}
