"""Texts of the queue part of the page, in every language: waiting for a free core, and
the time limit of one training run.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    "queue_wait_next": (
        "**Waiting for a free core: you are next.** Every core of this server ({cores} in "
        "all) is training someone's model right now. Your run starts by itself as soon as "
        "one is free; keep this tab open. (Waiting {seconds} s so far.)"
    ),
    "queue_wait_ahead": (
        "**Waiting for a free core: {ahead} ahead of you in the queue.** Every core of this "
        "server ({cores} in all) is training someone's model right now. Your run starts by "
        "itself when its turn comes; keep this tab open. (Waiting {seconds} s so far.)"
    ),
    "queue_waited": "This run waited {seconds} s for a free core.",
    "queue_time_limit": (
        "Training stopped after {seconds} seconds, the time limit for one run on this "
        "shared server, at step {step} of {total}. The weights of step {step} are kept. "
        "To train to the end, use fewer steps, a smaller hidden size, fewer layers or "
        "shorter text."
    ),
    "train_stopped_early": (
        "Training stopped at step {step} of {total}: something on the page changed while "
        "it ran. The weights of step {step} are kept; press **Train** again to run all "
        "{total} steps."
    ),
    "queue_steps_help": (
        "At most {steps} steps and {seconds} seconds of training per run: the server is "
        "shared by the whole class, so a longer run stops at the time limit and keeps what "
        "it learned so far."
    ),
}

KO: dict[str, str] = {
    "queue_wait_next": (
        "**빈 코어를 기다리는 중입니다. 다음 차례입니다.** 이 서버의 코어({cores}개)가 모두 "
        "다른 사람의 모델을 학습시키고 있습니다. 코어가 비는 대로 학습이 저절로 시작되니 "
        "이 탭을 닫지 마세요. (지금까지 {seconds}초 대기)"
    ),
    "queue_wait_ahead": (
        "**빈 코어를 기다리는 중입니다. 대기열에서 앞에 {ahead}개의 학습이 있습니다.** 이 "
        "서버의 코어({cores}개)가 모두 다른 사람의 모델을 학습시키고 있습니다. 차례가 되면 "
        "학습이 저절로 시작되니 이 탭을 닫지 마세요. (지금까지 {seconds}초 대기)"
    ),
    "queue_waited": "빈 코어를 {seconds}초 기다린 뒤 학습을 시작했습니다.",
    "train_stopped_early": (
        "학습 중에 페이지에서 무언가가 바뀌어 스텝 {total}개 중 스텝 {step}에서 학습이 "
        "멈췄습니다. 스텝 {step}의 가중치를 그대로 보존합니다. 스텝 {total}개를 모두 "
        "학습하려면 **학습 시작**을 다시 누르세요."
    ),
    "queue_time_limit": (
        "학습이 {seconds}초 만에 멈췄습니다. 여러 사람이 함께 쓰는 서버에서 한 번의 학습에 "
        "허용되는 시간입니다. 스텝 {total}개 중 스텝 {step}까지 진행했고, 스텝 {step}의 "
        "가중치를 그대로 보존합니다. 끝까지 학습하려면 스텝 수를 줄이거나, 은닉 크기나 "
        "층 수를 줄이거나, 더 짧은 텍스트를 사용하세요."
    ),
    "queue_steps_help": (
        "한 번의 학습은 최대 {steps}스텝, 최대 {seconds}초입니다. 수강생 모두가 서버를 "
        "함께 쓰기 때문에, 더 오래 걸리는 학습은 시간 제한에서 멈추고 그때까지 학습한 "
        "결과를 보존합니다."
    ),
}
