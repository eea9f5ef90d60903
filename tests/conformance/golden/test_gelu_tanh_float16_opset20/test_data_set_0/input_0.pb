
BxJ<Ž6¡Af<XCÖÀ¢<!¶¢CMBcA¼Cç>ƒ?Ë½ØÂW:ÔB	¼‹¶D<žº ÀIÀcÀ;ÁKÂXÀ*¸¬ÁFB