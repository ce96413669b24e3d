"""The trained NLU model loaded for prediction without a training step first.

Rasa 3.6 loads a TensorFlow model (DIET here) by training it one step on an example, to build
every weight and the optimiser's, then overwriting them all with the saved ones
(rasa/utils/tensorflow/models.py, `RasaModel.load`). Tracing that training step took 18 of the 25
seconds a Rasa server spent loading our model, at every start. A server that only predicts needs
neither: here the model predicts once on the example, eagerly (which builds every weight prediction
uses), the saved weights are loaded into them (TensorFlow refuses if any weight is left without
its saved value), and the model is made ready to predict from those weights, as Rasa would.
Finetuning (`rasa train --finetune`) keeps Rasa's own load. A test compares every prediction on
the tuning messages with Rasa's own load (tests/test_model_loading.py)."""
from __future__ import annotations

from typing import Any, Optional

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_for_prediction(cls, model_file_name: str, model_data_example: RasaModelData,
                        predict_data_example: Optional[RasaModelData] = None, finetune_mode: bool = False,
                        *args: Any, **kwargs: Any) -> RasaModel:
    if finetune_mode or predict_data_example is None:
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    traced = model._run_eagerly
    model._run_eagerly = True
    model.run_inference(predict_data_example)  # eagerly, untraced: builds the weights it uses
    model._run_eagerly = traced
    # the optimiser's saved state is not needed to predict; every weight built must be restored
    model.load_weights(model_file_name).expect_partial().assert_existing_objects_matched()
    # what the first prediction worked out from the weights before they were loaded (the labels'
    # embeddings, kept by the model and by its traced function) is worked out again
    model.prepared_for_prediction = False
    model._tf_predict_step = None
    model.run_inference(predict_data_example)  # traced now, as Rasa does, so a child never waits for it
    return model


def install() -> None:
    RasaModel.load = classmethod(load_for_prediction)
