"""Korean for the core texts in text.py (same keys, same {fields}).

Written as a Korean lecturer would say it (존댓말, short widget labels). PyTorch names,
tensor names and shapes stay as in the English; the limits come from model.config, as in
text.py, so the numbers on screen agree in both languages. A training step is "스텝", a
step of the sequence "시점".
"""

from __future__ import annotations

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

KO: dict[str, str] = {
    "shapes_read_bf": "(batch={batch}, seq={steps}, input={input})로 읽음",
    "shapes_read_sf": "(seq={steps}, batch={batch}, input={input})로 읽음",
    "page_title": "은닉 상태 탐색기",
    "app_title": "은닉 상태 탐색기",
    "app_caption": (
        "시퀀스를 입력하고 순환 셀을 고른 뒤, 시점마다 은닉 상태가 어떻게 변하는지 "
        "살펴보세요. 화면의 모든 숫자는 PyTorch가 직접 계산한 값입니다."
    ),
    # controls
    "controls_header": "장면 설정",
    "language": "언어",
    "presenter": "발표 모드",
    "presenter_help": (
        "강의실용입니다: 글자와 차트를 크게, 현재 시점을 큰 글씨로 보여 주고 컨트롤을 "
        "줄입니다 (나머지는 '설정 더 보기'에 접혀 들어갑니다). 차트를 한 번 클릭한 뒤 ← → 키로 "
        "시점을 이동하세요."
    ),
    "more_settings": "설정 더 보기",
    "preset": "프리셋",
    "preset_help": (
        "미리 준비된 장면입니다. 강의 프리셋은 RNN 기초 강의의 코드를 실행한 그대로입니다: "
        "torch.nn.RNN(4, 2), 시드 0, batch_first 꺼짐. 아래 설정을 하나라도 바꾸면 직접 "
        "구성한 장면이 됩니다."
    ),
    "preset_custom": "(직접 설정)",
    "preset_lecture": "강의: hello · eolll · lleel",
    "preset_hihello": "hihello (학습 예제)",
    "preset_hello": "hello, 시퀀스 하나",
    "preset_sentence": "문장, 단어 단위 (임베딩)",
    "preset_korean": "한국어 단어 (GRU)",
    "preset_sine": "사인파, 숫자 입력 (LSTM)",
    "sequences": "시퀀스 (한 줄에 하나)",
    "sequences_help": (
        f"한 줄이 배치의 시퀀스 하나입니다 (최대 {MAX_SEQUENCES}줄, 한 줄에 토큰 "
        f"{MAX_STEPS:,}개, 전체 {MAX_TEXT_CHARS:,}자). "
        "숫자: 시점마다 값 하나를 쉼표나 공백으로 구분해 적습니다 (0.1, 0.5, 0.9). "
        "시점마다 특성이 여러 개라면 시점은 ;로, 특성은 공백으로 구분합니다 "
        "(1 2; 3 4; 5 6)."
    ),
    "tokens": "토큰 단위",
    "tokens_chars": "문자",
    "tokens_words": "단어",
    "tokens_numbers": "숫자",
    "tokens_help": (
        "문자: 눈에 보이는 글자 하나가 토큰 하나입니다 (피부색이 붙은 이모지도 하나). "
        "단어: 공백으로 나눕니다. 숫자: 수열을 값 그대로 입력합니다."
    ),
    "encoding": "인코딩",
    "encoding_onehot": "원-핫",
    "encoding_embedding": "임베딩",
    "encoding_help": (
        "원-핫: 입력 크기 = 어휘 크기. 임베딩: 시드로 초기화한 nn.Embedding이며, 크기는 "
        "직접 정합니다."
    ),
    "input_size": "임베딩 크기",
    "input_size_help": f"1부터 {MAX_INPUT_SIZE}까지.",
    "input_size_onehot": "입력 크기 = 어휘 크기 = {size}",
    "input_size_numbers": "입력 크기 = 시점당 숫자 개수 = {size}",
    "cell": "셀",
    "nonlinearity": "RNN 활성화 함수",
    "hidden_size": "은닉 크기",
    "hidden_size_help": f"1부터 {MAX_HIDDEN}까지.",
    "num_layers": "층 수",
    "bidirectional": "양방향",
    "bias": "편향",
    "batch_first": "batch_first",
    "batch_first_help": (
        "켜면: 한 줄이 시퀀스 하나이고, 텐서는 (batch, seq, input)입니다. 끄면: PyTorch가 "
        "같은 텐서를 (seq, batch, input)으로 읽습니다. 강의 코드가 이 경우였습니다."
    ),
    "seed": "시드",
    "seed_help": "무작위 값을 만들기 전에 torch.manual_seed(seed)를 실행합니다.",
    "init_state": "초기 상태 h0",
    "init_zeros": "0 벡터",
    "init_random": "무작위 (torch.randn)",
    "limits": (
        f"제한: {MAX_SEQUENCES}줄, {MAX_STEPS:,}시점, 서로 다른 토큰 {MAX_VOCAB}개, "
        f"시점당 숫자 {MAX_FEATURES}개, 은닉 크기 {MAX_HIDDEN}, {MAX_LAYERS}층."
    ),
    # notices
    "notice_unknown_param": "링크에 이 앱이 모르는 설정({name})이 있어 무시했습니다.",
    "notice_bad_preset": "링크의 프리셋({value})이 존재하지 않아 무시했습니다.",
    "notice_empty_seq": "링크의 시퀀스가 비어 있어 프리셋의 시퀀스를 대신 보여 드립니다.",
    "notice_bad_value": "링크의 {name} 값({value})이 올바르지 않아 기본값을 사용합니다.",
    "notice_bad_config": "링크의 설정을 사용할 수 없습니다: {reason} 기본값을 보여 드립니다.",
    "train_diverged": (
        "스텝 {step}에서 학습이 발산했습니다: {problem}. 학습률 {lr}이 너무 커서 업데이트가 "
        "지나치게 커졌고 값이 폭주했습니다. 마지막 정상 스텝 {good_step}의 가중치를 "
        "유지합니다. 다음을 시도해 보세요: {tips}."
    ),
    "train_problem_weights": "업데이트 후 일부 가중치가 무한대 또는 NaN이 되었습니다",
    "train_problem_nan": "손실이 NaN(숫자가 아님)이 되었습니다",
    "train_problem_inf": "손실이 무한대가 되었습니다",
    "train_tip_lr": "더 작은 학습률 (예: {lr})",
    "train_tip_adam": "SGD 대신 Adam",
    "train_tip_tanh": "ReLU 대신 tanh",
    "train_tip_layers": "더 적은 층 수",
    "train_tip_or": " 또는 ",
    "error_scene_failed": "이 장면을 계산하는 중 문제가 생겼습니다. 다른 설정으로 시도해 보세요.",
    "error_title": "이 장면을 표시할 수 없습니다",
    # selection
    "select_sequence": "시퀀스",
    "select_layer": "층",
    "select_direction": "방향",
    "direction_forward": "정방향",
    "direction_reverse": "역방향",
    "select_units": "선 그래프로 볼 유닛",
    "select_units_help": "최대 8개까지 고를 수 있습니다. 히트맵에는 항상 모든 유닛이 나옵니다.",
    # explanations
    "shapes_title": "텐서 모양",
    "shapes_all": "모든 텐서와 그 모양",
    "shapes_read": "PyTorch가 읽은 input_data",
    "shapes_col_tensor": "텐서",
    "shapes_col_shape": "모양",
    "shapes_col_dims": "각 차원의 의미",
    "shapes_caption": (
        "가중치는 게이트별로 PyTorch의 순서대로 쌓여 있습니다 (LSTM: i, f, g, o; GRU: r, z, n). "
        "층 k > 0은 층 k − 1의 출력을 입력으로 받습니다 (양방향이면 두 방향의 출력 모두)."
    ),
    "dims_built": "(batch = 줄, seq = 토큰, input = 토큰당 특성 수)",
    "dims_bf": "(batch, seq, input): batch_first=True이면 만든 그대로 읽습니다",
    "dims_sf": "(seq, batch, input): batch_first=False이면 첫 번째 차원을 시간으로 읽습니다",
    "dims_output_bf": "(batch, seq, directions × hidden): 맨 위 층의 h_t",
    "dims_output_sf": "(seq, batch, directions × hidden): 맨 위 층의 h_t",
    "dims_state": "(layers × directions, batch, hidden): 각 층의 마지막 상태",
    "dims_weight_ih": "({gates} × hidden, 이 층의 입력 크기)",
    "dims_weight_hh": "({gates} × hidden, hidden)",
    "dims_bias_ih": "({gates} × hidden,)",
    "dims_bias_hh": "({gates} × hidden,)",
    "pitfall_title": "입력한 내용과, batch_first=False일 때 PyTorch가 읽은 내용",
    "pitfall_typed": "의도한 것: {steps}시점짜리 시퀀스 {lines}개",
    "pitfall_read": "PyTorch가 읽은 것: {lines}시점짜리 시퀀스 {steps}개",
    "pitfall_typed_x": "토큰 위치",
    "pitfall_typed_y": "입력한 줄",
    "pitfall_read_x": "PyTorch가 읽은 시점",
    "pitfall_read_y": "PyTorch가 읽은 시퀀스",
    "pitfall_line": "줄",
    "pitfall_sequence": "시퀀스",
    "pitfall_step": "시점",
    "batch_first_pitfall": (
        "batch_first가 꺼져 있으므로 PyTorch는 첫 번째 차원을 시간으로 읽습니다. 입력은 "
        "{lines} × {steps} (줄 × 토큰)였지만, PyTorch는 {steps} × {lines} (시퀀스 × 시점)로 "
        "읽었습니다. 아래의 각 시퀀스는 입력한 내용의 한 열에 해당합니다."
    ),
    "batch_first_fix": "한 줄을 시퀀스 하나로 읽기 (batch_first=True)",
    "batch_first_padding": (
        "줄마다 길이가 달라서 일부 시점에는 0 벡터가 입력됩니다 (·로 표시). 패킹으로는 "
        "시퀀스 중간의 패딩을 건너뛸 수 없기 때문입니다."
    ),
    "packed_note": (
        "길이가 다른 줄은 패킹합니다 (pack_padded_sequence). 줄이 끝난 뒤의 시점은 계산하지 "
        "않으며 회색으로 표시됩니다."
    ),
    "timeline_caption": (
        "왼쪽 위: 모든 은닉 유닛(행)의 시점별(열) 값이며, 색이 값을 나타냅니다 (0보다 작으면 "
        "파란색, 크면 빨간색). 왼쪽 아래: 선택한 유닛을 선 그래프로 보여 줍니다. 오른쪽: "
        "h_t가 지나간 경로{pca}이며, 시점마다 점 하나입니다. ▶ 재생, 슬라이더, 이전·다음 "
        "버튼(← → 키)으로 시간을 이동하면 모든 차트의 커서가 브라우저에서 함께 움직입니다."
    ),
    "timeline_caption_pca": "(두 주성분 방향으로 투영, PCA)",
    "gates_caption_lstm": (
        "LSTM: c_t = f ⊙ c_(t−1) + i ⊙ g, h_t = o ⊙ tanh(c_t). 망각 게이트 f는 셀 상태를 "
        "유지하거나(1에 가까움) 지웁니다(0에 가까움). 입력 게이트 i는 후보 값 g를 얼마나 "
        "기록할지, 출력 게이트 o는 셀 상태를 h_t로 얼마나 내보낼지 정합니다. c_t는 [-1, 1]로 "
        "제한되지 않아 색은 그 범위에서 포화됩니다. 정확한 값은 마우스를 올려 확인하세요."
    ),
    "gates_caption_gru": (
        "GRU: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ "
        "h_(t−1). 업데이트 게이트 z는 이전 상태를 유지할지(1에 가까움) 후보 값 n을 받아들일지 "
        "정합니다. 리셋 게이트 r은 이전 상태가 후보 값에 얼마나 반영될지 정합니다."
    ),
    "gates_rnn": (
        "기본 RNN에는 게이트가 없습니다: h_t = {act}(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh). "
        "게이트와 셀 상태를 보려면 LSTM이나 GRU를 선택하세요."
    ),
    "gates_units_only": (
        "이 층은 유닛이 {most}개보다 많아서, 게이트 그림에는 위에서 선 그래프로 고른 유닛만 "
        "표시합니다."
    ),
    # figures
    "stepper_previous": "◀ 이전",
    "stepper_next": "다음 ▶",
    "stepper_hint": "또는 ← → 키",
    "fig_time_token": "시점 (토큰)",
    "fig_time_hover": "시점 (토큰은 마우스를 올려 확인)",
    "fig_time_step": "시점",
    "fig_time_prefix": "시점:",
    "fig_value": "값",
    "fig_play": "▶ 재생",
    "fig_pause": "❚❚ 일시 정지",
    "fig_sequence_n": "시퀀스 {n}",
    "fig_layer_n": "층 {n}",
    "fig_pc": "PC{k} · 분산의 {share}",
    "fig_hidden_state": "은닉 상태",
    "fig_hidden_unit": "은닉 유닛",
    "fig_every_unit": "h_t, 모든 유닛 (색 = 값)",
    "fig_state_space": "상태 공간에서의 h_t",
    "fig_state_space_pca": "상태 공간에서의 h_t (PCA)",
    "fig_chosen_units": "선택한 유닛의 시간에 따른 변화",
    "fig_cell_state": "셀 상태 c",
    "fig_unit": "유닛",
    "fig_gates": "게이트",
    "fig_gates_cell": "게이트와 셀 상태",
    "fig_input_title": "입력 x_t",
    "fig_vocab_onehot": "어휘 (원-핫 위치)",
    "fig_input_feature": "입력 특성",
    "fig_feature": "특성",
    "fig_training": "학습",
    "fig_train_step": "학습 스텝",
    "fig_train_loss": "손실",
    "fig_train_accuracy": "정확도",
    # gate names: the last word is the gate's letter (the heatmap's hover name)
    "gate_input": "입력 게이트 i",
    "gate_forget": "망각 게이트 f",
    "gate_candidate": "후보 값 g",
    "gate_output": "출력 게이트 o",
    "gate_reset": "리셋 게이트 r",
    "gate_update": "업데이트 게이트 z",
    "gate_candidate_n": "후보 값 n",
    "tab_step": "숫자로 보는 한 시점",
    "tab_gates": "게이트와 셀 상태",
    "tab_weights": "공유 가중치",
    "tab_repeats": "같은 토큰, 다른 상태",
    "tab_unit_text": "텍스트 속 유닛",
    "tab_patterns": "활용 패턴",
    "tab_compare": "RNN · LSTM · GRU",
    "tab_order": "왜 순환인가",
    "tab_input": "입력과 어휘",
    "tab_code": "PyTorch 코드",
    "tab_export": "내보내기",
    "vocab_title": "어휘: 토큰 → 인덱스 → 원-핫 벡터",
    "vocab_numbers": "숫자는 값 그대로 입력되므로 어휘가 없습니다.",
    "vocab_col_token": "토큰",
    "vocab_col_index": "인덱스",
    "vocab_col_onehot": "원-핫 벡터",
    "input_caption": "각 시점에 입력되는 x_t입니다. 입력 특성마다 한 행입니다.",
    "code_caption": (
        "화면의 결과를 그대로 재현하는 순수 PyTorch 코드입니다. 노트북에서 실행하면 아래 "
        "내용이 출력됩니다."
    ),
    "code_printout": "출력 결과",
    "code_layout_note": (
        "차트는 outputs와 같은 숫자를, PyTorch가 읽은 대로 시퀀스별로 보여 줍니다."
    ),
    "export_caption": (
        "이 장면의 모든 상태(은닉 상태 h, 셀 상태 c (LSTM), 게이트)를 시퀀스, 층, 방향, "
        "시점, 토큰과 함께 내보냅니다. 차트는 카메라 아이콘으로 PNG를 저장할 수 있습니다."
    ),
    "export_csv": "CSV 다운로드",
    "export_npz": "NumPy .npz 다운로드",
    "check_ok": (
        "검증 완료: 시점별로 추적한 값이 모듈 자체의 출력과 같습니다 (최대 차이 {error:.1e})."
    ),
    "check_bad": "경고: 추적한 값이 모듈의 출력과 {error:.1e}만큼 다릅니다.",
    "share_caption": (
        "주소 표시줄에 모든 설정이 담겨 있으니, 복사해 두면 이 장면을 다시 열 수 있습니다."
    ),
    # training
    "train_title": "학습시키기: 은닉 상태가 학습되는 과정 보기",
    "train_caption": (
        "강의에서 한 방식대로 다음 토큰을 예측하도록 학습합니다. 마지막 토큰을 뺀 각 줄이 "
        "입력, 첫 토큰을 뺀 각 줄이 정답입니다 (hihello: hihell → ihello). 손실은 교차 "
        "엔트로피입니다. 스텝 0은 차트에 보이는 학습 전 장면과 똑같습니다."
    ),
    "train_caption_numbers": (
        "다음 값을 예측하도록 학습합니다. 마지막 시점을 뺀 각 줄이 입력, 마지막 시점의 값이 "
        "정답입니다. 마지막 시점의 출력은 선형 층을 거치며(다대일), 손실은 [0, 1]로 최소–최대 "
        "스케일링한 값에 대한 평균 제곱 오차입니다 (이때 차트도 스케일링된 입력을 보여 줍니다)."
    ),
    "train_scaling": (
        "최소–최대 스케일링: x_scaled = (x − min) / (max − min), min = {low}, "
        "max = {high} (특성별). 그래서 네트워크는 [0, 1] 범위의 값을 봅니다. 예측값은 원래 "
        "단위로 되돌려 보여 드립니다."
    ),
    "train_head": "출력",
    "train_head_logits": "은닉 = 로짓",
    "train_head_linear": "선형 층",
    "train_head_help": (
        "은닉 = 로짓: RNN의 출력을 그대로 로짓으로 쓰므로 은닉 크기가 어휘 크기와 같아야 "
        "합니다 (강의 방식). 선형 층: 위에 nn.Linear(hidden, vocabulary)를 얹습니다."
    ),
    "train_optimizer": "옵티마이저",
    "train_lr": "학습률",
    "train_steps": "스텝 수",
    "train_seed": "학습 시드",
    "train_seed_help": "선형 출력 층을 초기화하는 시드입니다. RNN은 장면의 시드를 그대로 씁니다.",
    "train_start": "학습 시작",
    "train_cannot": "학습할 수 없습니다.",
    "train_starting": "시작하는 중…",
    "train_progress": "스텝 {step}/{total} · 손실 {loss:.4f} · 예측: {guess}",
    "train_other_settings": (
        "이 세션에서 학습한 모델은 다른 설정의 모델이라, 차트는 학습 전 모델을 보여 줍니다. "
        "다시 학습하거나 그 설정으로 되돌리세요."
    ),
    "train_uploaded": (
        "{steps}스텝 학습한 모델을 복원했습니다. 차트는 이 모델의 가중치를 보여 줍니다."
    ),
    "train_shown_step": "모든 차트에 쓸 가중치",
    "train_step_label": "스텝 {step}",
    "train_shown_step_help": (
        "스텝 0은 학습 전 모델입니다. 위아래의 모든 차트가 그 횟수만큼 업데이트한 뒤의 "
        "가중치로 다시 그려집니다."
    ),
    "train_col_step": "스텝",
    "train_col_prediction": "예측",
    "train_col_target": "정답",
    "train_col_line": "{line}번 줄: 예측 → 정답",
    "train_loss_change": "손실 {start:.4f} → {end:.4f}.",
    "train_never_correct": "예측이 정답과 한 번도 일치하지 않았습니다.",
    "train_correct_held": "스텝 {step}에서 예측이 처음 정답과 일치했고, 끝까지 유지되었습니다.",
    "train_correct_lost": (
        "스텝 {step}에서 예측이 처음 정답과 일치했지만, 끝까지 유지되지는 않았습니다."
    ),
    "train_logits_bounded": (
        "은닉 상태를 로짓으로 쓰면 tanh 때문에 모든 로짓이 [-1, 1]로 제한되어, 학습이 여러 "
        "답 사이를 오갈 수 있습니다. 선형 출력 층을 써 보세요."
    ),
    "train_download": "학습된 모델 다운로드 (.zip)",
    "train_download_help": "가중치(safetensors)와 설정(JSON)을 zip 파일 하나에 담았습니다.",
    "train_upload": "학습된 모델 복원",
    "train_upload_help": (
        "이 앱에서 내려받은 .zip 파일입니다 (최대 5 MB). 내용을 검사할 뿐, 실행하지 않습니다."
    ),
    "train_upload_bad": "이 파일은 복원할 수 없습니다.",
    "code_caption_trained": (
        "탐색기가 학습한 과정을 그대로 재현하는 순수 PyTorch 코드입니다. 실행하면 스텝마다 "
        "같은 손실과 예측이 출력됩니다 (아래)."
    ),
    "code_printout_trained": "출력 결과",
    "code_caption_untrained_too": "학습 전 장면의 순수 PyTorch 코드:",
}
